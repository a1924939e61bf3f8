package org.quantbench.quant.nf4;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector kernels over NF4 rows. L nibbles (L/2 bytes) are read as one little-endian scalar, broadcast to the int
 * lanes, shifted per lane (lane j takes the high nibble of byte j/2 when j is even, the low one when odd) and masked
 * to codes 0..15. The codes index a table of the 16 NF4 values already multiplied by the block's absmax, held in
 * registers (one 16-lane vector, or two 8-lane ones), so a lane permute yields {@code value[q] * absmax} directly:
 * the same float as the scalar {@link Nf4Linear#dequantizeRow}. Blocks are multiples of 16 columns, so no vector
 * straddles two blocks.
 */
final class Nf4Kernels {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    /** 16 lanes take 8 bytes (a long), 8 lanes 4 (an int); 4-lane species take the tile path. */
    static final boolean FUSED = VectorSupport.enabled() && (L == 16 || L == 8);
    private static final boolean WIDE = L == 16;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final IntVector SHIFTS = IntVector.fromArray(I, shifts(), 0);
    private static final VectorMask<Integer> UPPER_HALF = VectorMask.fromLong(I, WIDE ? 0xFF00L : 0L);
    /** The NF4 values: lanes 0..L-1 of the table, then lanes L..15 (the same again when L = 16). */
    private static final FloatVector CODES_LO = FloatVector.fromArray(S, Nf4Code.values(), 0);
    private static final FloatVector CODES_HI = FloatVector.fromArray(S, Nf4Code.values(), WIDE ? 0 : Math.min(L, 8));

    private Nf4Kernels() {}

    private static int[] shifts() {
        int[] s = new int[L];
        for (int j = 0; j < L; j++) {
            s[j] = 8 * ((j & 7) >> 1) + ((j & 1) == 0 ? 4 : 0);
        }
        return s;
    }

    /** The codes of the L nibbles starting at byte {@code at}, one per lane, in element order. */
    private static IntVector codes(MemorySegment q, long at) {
        IntVector words;
        if (WIDE) {
            long word = q.get(I64, at);
            words = IntVector.broadcast(I, (int) word).blend((long) (int) (word >>> 32), UPPER_HALF);
        } else {
            words = IntVector.broadcast(I, q.get(I32, at));
        }
        return words.lanewise(VectorOperators.LSHR, SHIFTS).and(15);
    }

    /** {@code table[codes]} where the table is {@code lo} (16 lanes) or {@code lo ++ hi} (8 lanes each). */
    private static FloatVector lookup(IntVector codes, FloatVector lo, FloatVector hi) {
        IntVector v = WIDE ? codes.selectFrom(lo.reinterpretAsInts())
                : codes.selectFrom(lo.reinterpretAsInts(), hi.reinterpretAsInts());
        return v.reinterpretAsFloats();
    }

    private static float scalar(MemorySegment q, long rowAt, int col, float absmax) {
        int b = q.get(ValueLayout.JAVA_BYTE, rowAt + (col >>> 1));
        int code = (col & 1) == 0 ? (b >>> 4) & 15 : b & 15;
        return Nf4Code.value(code) * absmax;
    }

    /** Widens columns [col, col+len) of row {@code row} into {@code dst[dstOff..]}, any block alignment of col. */
    static void decode(Nf4Linear layer, int row, int col, int len, float[] dst, int dstOff) {
        MemorySegment q = layer.qweight();
        long rowAt = row * layer.rowBytes();
        int bs = layer.blockSize();
        long firstBlock = (long) row * layer.blocksPerRow();
        int end = col + len;
        for (int c = col; c < end; ) {
            int block = c / bs;
            int blockEnd = Math.min(end, (block + 1) * bs);
            float a = layer.absmax(firstBlock + block);
            if (FUSED && (c & 1) == 0) {
                FloatVector lo = CODES_LO.mul(a);
                FloatVector hi = CODES_HI.mul(a);
                for (; c + L <= blockEnd; c += L) {
                    lookup(codes(q, rowAt + (c >>> 1)), lo, hi).intoArray(dst, dstOff + c - col);
                }
            }
            for (; c < blockEnd; c++) {
                dst[dstOff + c - col] = scalar(q, rowAt, c, a);
            }
        }
    }

    /**
     * {@code out[o0 + r] = dot(dequantized row o0 + r, x)} for {@code r < n} in the canonical order of
     * {@link MatmulKernels}, four rows in flight. Only when {@link #FUSED}.
     */
    static void gemv(Nf4Linear layer, int o0, int n, float[] x, float[] out) {
        int r = 0;
        for (; r + 4 <= n; r += 4) {
            rows4(layer, o0 + r, x, out);
        }
        for (; r < n; r++) {
            out[o0 + r] = row(layer, o0 + r, x);
        }
    }

    private static void rows4(Nf4Linear layer, int o, float[] x, float[] out) {
        MemorySegment q = layer.qweight();
        int cols = layer.inFeatures();
        int bs = layer.blockSize();
        long stride = layer.rowBytes();
        long at = o * stride;
        long nb = layer.blocksPerRow();
        long b0 = o * nb;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(cols);
        for (int start = 0, block = 0; start < bound; start += bs, block++) {
            float s0 = layer.absmax(b0 + block), s1 = layer.absmax(b0 + nb + block);
            float s2 = layer.absmax(b0 + 2 * nb + block), s3 = layer.absmax(b0 + 3 * nb + block);
            FloatVector t0 = CODES_LO.mul(s0), u0 = CODES_HI.mul(s0), t1 = CODES_LO.mul(s1), u1 = CODES_HI.mul(s1);
            FloatVector t2 = CODES_LO.mul(s2), u2 = CODES_HI.mul(s2), t3 = CODES_LO.mul(s3), u3 = CODES_HI.mul(s3);
            int end = Math.min(start + bs, bound);
            for (int i = start; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                long p = at + (i >>> 1);
                a0 = lookup(codes(q, p), t0, u0).fma(xv, a0);
                a1 = lookup(codes(q, p + stride), t1, u1).fma(xv, a1);
                a2 = lookup(codes(q, p + 2 * stride), t2, u2).fma(xv, a2);
                a3 = lookup(codes(q, p + 3 * stride), t3, u3).fma(xv, a3);
            }
        }
        out[o] = finish(layer, o, a0, x, bound);
        out[o + 1] = finish(layer, o + 1, a1, x, bound);
        out[o + 2] = finish(layer, o + 2, a2, x, bound);
        out[o + 3] = finish(layer, o + 3, a3, x, bound);
    }

    private static float row(Nf4Linear layer, int o, float[] x) {
        MemorySegment q = layer.qweight();
        int bs = layer.blockSize();
        long at = o * layer.rowBytes();
        long b0 = o * (long) layer.blocksPerRow();
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(layer.inFeatures());
        for (int start = 0, block = 0; start < bound; start += bs, block++) {
            float s = layer.absmax(b0 + block);
            FloatVector t = CODES_LO.mul(s), u = CODES_HI.mul(s);
            int end = Math.min(start + bs, bound);
            for (int i = start; i < end; i += L) {
                acc = lookup(codes(q, at + (i >>> 1)), t, u).fma(FloatVector.fromArray(S, x, i), acc);
            }
        }
        return finish(layer, o, acc, x, bound);
    }

    /** Lane sum, then the scalar tail [bound, cols) in order. */
    private static float finish(Nf4Linear layer, int o, FloatVector acc, float[] x, int bound) {
        float s = MatmulKernels.sumLanes(acc);
        int cols = layer.inFeatures();
        long rowAt = o * layer.rowBytes();
        for (int i = bound; i < cols; i++) {
            s += scalar(layer.qweight(), rowAt, i, layer.absmax((long) o * layer.blocksPerRow() + i / layer.blockSize())) * x[i];
        }
        return s;
    }
}
