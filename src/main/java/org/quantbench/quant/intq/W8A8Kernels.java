package org.quantbench.quant.intq;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.engine.TiledMatmul;
import org.quantbench.tensor.ArrayAlignment;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Exact int8 x int8 dot products for {@link W8A8IntLinear}, computed with float FMAs: int8 codes widen to float
 * exactly, and so long as every partial sum is an integer below 2^24 in magnitude the float sums are exact too. A
 * product is at most 128 x 127 = 16,256, so a lane that sums at most 1,032 products (16,777,216 = 2^24 / 16,256)
 * never rounds. A K-block of {@link MatmulKernels#K_BLOCK} = 512 columns gives a lane at most 512; rows whose lanes
 * take at most 1,032 products in all (about 1,032 L columns) convert their lanes to int once at the end, longer rows
 * after every block, into int32 accumulators (exact below 2^31, which {@link W8A8IntLinear#MAX_COLS} guarantees). The result is the exact integer dot product whatever the summation
 * order, so the GEMV and the GEMM agree bit for bit. The Vector API's int8 multiply-add through Short/IntVector runs at
 * about a quarter of its float FMA rate on this hardware, hence floats.
 */
final class W8A8Kernels {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK = MatmulKernels.K_BLOCK;
    /**
     * Whether the weight tile and the activation rows start on 64-byte lines (see {@link ArrayAlignment}): a 512-bit
     * load across two lines costs two.
     */
    static final boolean ALIGN = ArrayAlignment.known() && VectorSupport.enabled();
    /** Where the tile's first line starts, and the activation rows' ({@link #rowStride}). */
    static final int PAD = ALIGN ? ArrayAlignment.floatPad() : 0;
    private static final int LINE_FLOATS = 16;
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[PAD + TiledMatmul.CHUNK_ROWS * BLOCK]);
    private static final ThreadLocal<float[][]> FLOAT_ACC = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<int[][]> INT_ACC = ThreadLocal.withInitial(() -> new int[1][0]);

    /** Bytes one weight load reads (L of them used). */
    static final int LOAD_BYTES = B.vectorByteSize();
    /** Bytes a load reads past its L codes: a row takes the vector kernels only if that many follow it. */
    static final int OVERREAD = LOAD_BYTES - L;
    /** Rows the GEMV kernel takes at once, whose codes alternate in chunks of {@link #CHUNK}. */
    static final int ROWS = 4;
    /** Codes per chunk of the interleaved layout: a multiple of every vector length (16, 8 or 4 lanes). */
    static final int CHUNK = 16;

    private W8A8Kernels() {}

    /** Floats from one quantized activation row to the next: whole lines when {@link #ALIGN}. */
    static int rowStride(int cols) {
        return ALIGN ? (cols + LINE_FLOATS - 1) / LINE_FLOATS * LINE_FLOATS : cols;
    }

    /** {@code 1.5 * 2^23}: adding and subtracting it rounds a float below 2^22 in magnitude half to even, as Math.rint. */
    private static final float RINT = 0x1.8p23f;

    /**
     * {@code dst[dstOff + c] = x[off + c]}, divided by {@code smooth[c]} unless null, for {@code c < cols}; returns the
     * largest magnitude (NaN if any value is NaN), as the scalar loop of {@link W8A8IntLinear#quantizeToken} would.
     */
    static float smoothedAbsMax(float[] x, int off, float[] smooth, float[] dst, int dstOff, int cols) {
        int c = 0;
        float amax = 0f;
        if (VectorSupport.enabled()) {
            FloatVector m = FloatVector.zero(S);
            int bound = S.loopBound(cols);
            if (smooth == null) {
                for (; c < bound; c += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + c);
                    v.intoArray(dst, dstOff + c);
                    m = m.max(v.abs());
                }
            } else {
                for (; c < bound; c += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + c).div(FloatVector.fromArray(S, smooth, c));
                    v.intoArray(dst, dstOff + c);
                    m = m.max(v.abs());
                }
            }
            amax = m.reduceLanes(VectorOperators.MAX);
        }
        for (; c < cols; c++) {
            float v = smooth == null ? x[off + c] : x[off + c] / smooth[c];
            dst[dstOff + c] = v;
            amax = Math.max(amax, Math.abs(v));
        }
        return amax;
    }

    /**
     * {@code dst[off + c] = W8A8IntLinear.toInt8(dst[off + c], s)} for {@code c < cols}, for a finite {@code s > 0}: the
     * quotient rounded half to even (through {@link #RINT}; every quotient is at most about 127) and clamped to +-127.
     */
    static void roundCodes(float[] dst, int off, int cols, float s) {
        int c = 0;
        if (VectorSupport.enabled()) {
            for (int bound = S.loopBound(cols); c < bound; c += L) {
                FloatVector.fromArray(S, dst, off + c).div(s).add(RINT).sub(RINT).max(-127f).min(127f).intoArray(dst, off + c);
            }
        }
        for (; c < cols; c++) {
            dst[off + c] = W8A8IntLinear.toInt8(dst[off + c], s);
        }
    }

    static int vectorBound(int n) {
        return VectorSupport.enabled() ? S.loopBound(n) : 0;
    }

    private static FloatVector weights(MemorySegment w, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2F, S, 0);
    }

    /**
     * Exact int dot products of the four interleaved rows (a {@link org.quantbench.quant.RowInterleave} group) at {@code base} with {@code xq} over
     * their whole chunks, columns {@code [0, chunked)}, into {@code acc[o .. o+3]}: the group's codes are one stream.
     */
    static void gemvGroup(MemorySegment w, long base, float[] xq, int xOff, int chunked, int[] acc, int o) {
        IntVector i0 = IntVector.zero(I), i1 = i0, i2 = i0, i3 = i0;
        for (int kb = 0; kb < chunked; kb += BLOCK) {
            int end = Math.min(kb + BLOCK, chunked);
            FloatVector f0 = FloatVector.zero(S), f1 = f0, f2 = f0, f3 = f0;
            for (int i = kb; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, xq, xOff + i);
                // Column i of row k of the group: chunk i / 16 holds the four rows' 16 codes one after another.
                long p = base + (long) ROWS * (i & ~(CHUNK - 1)) + (i & (CHUNK - 1));
                f0 = weights(w, p).fma(xv, f0);
                f1 = weights(w, p + CHUNK).fma(xv, f1);
                f2 = weights(w, p + 2 * CHUNK).fma(xv, f2);
                f3 = weights(w, p + 3 * CHUNK).fma(xv, f3);
            }
            i0 = i0.add(f0.convert(VectorOperators.F2I, 0));
            i1 = i1.add(f1.convert(VectorOperators.F2I, 0));
            i2 = i2.add(f2.convert(VectorOperators.F2I, 0));
            i3 = i3.add(f3.convert(VectorOperators.F2I, 0));
        }
        acc[o] = i0.reduceLanes(VectorOperators.ADD);
        acc[o + 1] = i1.reduceLanes(VectorOperators.ADD);
        acc[o + 2] = i2.reduceLanes(VectorOperators.ADD);
        acc[o + 3] = i3.reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@code acc[t * n + r]} = exact int dot product of row {@code o0 + r} with token t of {@code xq} (token t's row from
     * {@code xOff + t * xStride}),
     * for the {@code n} rows of one chunk: each K-block of the rows is widened to a float tile once and reused by every
     * token through {@link MatmulKernels#tileBlock}, whose lane sums are exact within a block.
     */
    static void gemmChunk(W8A8IntLinear m, int o0, int n, float[] xq, int xOff, int xStride, int tokens, int[] acc) {
        int cols = m.inFeatures();
        int width = MatmulKernels.accumulatorWidth();
        int size = n * tokens * width;
        float[] tile = TILE.get();
        float[] blockAcc = floatAccumulators(size);
        int[] lanes = intAccumulators(size);
        Arrays.fill(lanes, 0, size, 0);
        // A float lane stays exact while the products it sums stay below 2^24 in total: with vectors a lane takes one
        // column in L, so rows of up to about 1,032 L columns need converting only once, at the end.
        long perLane = VectorSupport.enabled() ? (cols + width - 1) / width : cols;
        boolean convertOnce = perLane * 128 * 127 < 1 << 24;
        // Near-equal K-blocks (576 = 288 + 288, not 512 + 64), as the shared GEMM takes them.
        int step = TiledMatmul.kStep(cols);
        Arrays.fill(blockAcc, 0, size, 0f);
        for (int kb = 0; kb < cols; kb += step) {
            int len = Math.min(step, cols - kb);
            for (int r = 0; r < n; r++) {
                m.decodeCodes(o0 + r, kb, len, tile, PAD + r * BLOCK);
            }
            MatmulKernels.tileBlock(tile, PAD, BLOCK, n, xq, xStride, xOff + kb, len, tokens, blockAcc);
            if (!convertOnce) {
                addLanes(blockAcc, lanes, size);
                Arrays.fill(blockAcc, 0, size, 0f);
            }
            int covered = VectorSupport.enabled() ? S.loopBound(len) : len;
            for (int t = 0; t < tokens && covered < len; t++) {
                for (int r = 0; r < n; r++) {
                    int s = 0;
                    for (int i = covered; i < len; i++) {
                        s += (int) tile[PAD + r * BLOCK + i] * (int) xq[xOff + t * xStride + kb + i];
                    }
                    lanes[(t * n + r) * width] += s;
                }
            }
        }
        if (convertOnce) {
            addLanes(blockAcc, lanes, size);
        }
        for (int a = 0; a < n * tokens; a++) {
            int s = 0;
            for (int l = 0; l < width; l++) {
                s += lanes[a * width + l];
            }
            acc[a] = s;
        }
    }

    /** {@code lanes[i] += (int) blockAcc[i]}: the block's exact integer partial sums into the int32 accumulators. */
    private static void addLanes(float[] blockAcc, int[] lanes, int size) {
        int i = 0;
        if (VectorSupport.enabled()) {
            for (; i < size; i += L) {
                IntVector.fromArray(I, lanes, i).add(FloatVector.fromArray(S, blockAcc, i).convert(VectorOperators.F2I, 0))
                        .intoArray(lanes, i);
            }
        }
        for (; i < size; i++) {
            lanes[i] += (int) blockAcc[i];
        }
    }

    /**
     * Widens {@code chunks} chunks of {@link #CHUNK} codes, the first at {@code w[at ..]} and each next
     * {@code stride} bytes further, to float into {@code dst[off ..]}; only with vectors on.
     */
    static void widenChunks(MemorySegment w, long at, long stride, int chunks, float[] dst, int off) {
        for (int c = 0; c < chunks; c++) {
            for (int j = 0; j < CHUNK; j += L) {
                weights(w, at + c * stride + j).intoArray(dst, off + c * CHUNK + j);
            }
        }
    }

    private static float[] floatAccumulators(int size) {
        float[][] h = FLOAT_ACC.get();
        if (h[0].length < size) {
            h[0] = new float[size];
        }
        return h[0];
    }

    private static int[] intAccumulators(int size) {
        int[][] h = INT_ACC.get();
        if (h[0].length < size) {
            h[0] = new int[size];
        }
        return h[0];
    }
}
