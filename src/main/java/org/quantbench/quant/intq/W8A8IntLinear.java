package org.quantbench.quant.intq;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.RowInterleave;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * SmoothQuant-style W8A8-INT: int8 weights per output channel, int8 activations per token (dynamic), int32 dot
 * products.
 * <ul>
 *   <li>Smoothing (optional): factors {@code m_j > 0}, one per input column, fold into the weights at quantization,
 *   {@code W' = W diag(m)} ({@code w * m_j} in float), and the forward divides the activations back,
 *   {@code x'_j = x_j / m_j}. Without factors (strength 0) both steps are skipped. SmoothQuant's calibration supplies
 *   them.</li>
 *   <li>Weights: {@code s_w = max|W'_row| / 127}, {@code q = clamp(rint(w' / s_w), -127, 127)} (half to even); an all-zero
 *   row has {@code s_w = 0} and codes 0. {@link #dequantizeRow} gives {@code s_w * (float) q}, the smoothed weights.</li>
 *   <li>Activations, in every forward, per token: {@code s_x = max|x'| / 127}, {@code x_q = clamp(rint(x' / s_x), -127,
 *   127)} ({@code s_x = 0}: all 0).</li>
 *   <li>Output: {@code y = (s_x * s_w) * (float) dot(x_q, w_q)}, the dot product exact in int32 (see
 *   {@link W8A8Kernels}), so one token and a block of tokens give identical outputs.</li>
 * </ul>
 * Non-finite activations give non-finite outputs. Buffers: {@code qweight} (int8, {@code [rows][cols]} row-major),
 * {@code scales} (float32, one per row) and, only with non-unit smoothing, {@code smooth} (float32, one per column);
 * floats in native (little-endian) order. In memory the codes are kept interleaved four rows at a time
 * ({@link RowInterleave}), so a decoded token reads them as one stream.
 * {@link #bitsPerWeight()} = {@code 8 * residentBytes / (rows * cols)} =
 * {@code 8 + 32/cols (+ 32/rows with smoothing)}.
 */
public final class W8A8IntLinear implements QuantizedLinear {
    /** Widest row: 128 x 127 x cols stays below 2^31, so int32 accumulation cannot overflow. */
    public static final int MAX_COLS = 1 << 17;
    /** Widest row whose dot products stay below 2^24 in magnitude (128 x 127 x cols), exact in any float order. */
    static final int EXACT_FLOAT_COLS = (1 << 24) / (128 * 127);

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The calling thread's quantized activations; each task's int dot products. Grown on demand, never shrunk. */
    private static final ThreadLocal<float[][]> ACTIVATIONS = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<int[][]> DOTS = ThreadLocal.withInitial(() -> new int[1][0]);

    private final int rows;
    private final int cols;
    /** Four rows' codes alternate in chunks of 16 ({@link W8A8Kernels#gemvGroup} reads them as one stream). */
    private final RowInterleave layout;
    /** The codes in {@link #layout}, followed by {@link W8A8Kernels#OVERREAD} bytes of slack for the last vector load. */
    private final MemorySegment codes;
    private final float[] scales;
    /** Null when no smoothing. */
    private final float[] smooth;

    private W8A8IntLinear(RowInterleave layout, MemorySegment codes, float[] scales, float[] smooth) {
        this.rows = layout.rows();
        this.cols = (int) layout.rowBytes();
        this.layout = layout;
        this.codes = codes;
        this.scales = scales;
        this.smooth = smooth;
    }

    /**
     * Quantizes {@code w} row by row. {@code smoothing}: null for none, else {@code w.cols()} finite positive factors.
     * NaN or infinite weights (also after smoothing) are an IllegalArgumentException naming the tensor.
     */
    public static W8A8IntLinear quantize(WeightTensor w, float[] smoothing) {
        int rows = w.rows();
        int cols = w.cols();
        checkShape(rows, cols);
        float[] smooth = checkSmoothing(smoothing, cols);
        RowInterleave layout = layoutOf(rows, cols);
        MemorySegment codes = Arena.ofAuto().allocate((long) rows * cols + W8A8Kernels.OVERREAD, 64);
        float[] scales = new float[rows];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            w.readRow(r, row, 0);
            float amax = 0f;
            for (int c = 0; c < cols; c++) {
                float v = smooth == null ? row[c] : row[c] * smooth[c];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(w.name() + ": weight [" + r + ", " + c + "] is " + row[c]
                            + (smooth == null ? "" : " (x smoothing " + smooth[c] + " = " + v + ")")
                            + "; W8A8 quantization needs finite weights");
                }
                row[c] = v;
                amax = Math.max(amax, Math.abs(v));
            }
            float s = amax / 127f;
            scales[r] = s;
            for (int c = 0; c < cols; c++) {
                codes.set(ValueLayout.JAVA_BYTE, layout.offset(r, c), (byte) toInt8(row[c], s));
            }
        }
        return new W8A8IntLinear(layout, codes, scales, smooth);
    }

    /**
     * The layer back from its {@link #buffers()}: {@code qweight} (row-major) copied into the interleaved layout,
     * scales (finite, >= 0) and smoothing factors (finite, > 0) copied; a size mismatch or a missing or unexpected
     * buffer is an IllegalArgumentException.
     */
    public static W8A8IntLinear restore(int rows, int cols, Map<String, MemorySegment> buffers) {
        checkShape(rows, cols);
        if (!buffers.keySet().equals(Set.of("qweight", "scales")) && !buffers.keySet().equals(Set.of("qweight", "scales", "smooth"))) {
            throw new IllegalArgumentException("expected buffers qweight, scales and optionally smooth, got " + buffers.keySet());
        }
        MemorySegment q = buffers.get("qweight");
        requireBytes("qweight", q, (long) rows * cols);
        float[] scales = floats("scales", buffers.get("scales"), rows);
        for (float s : scales) {
            if (!Float.isFinite(s) || s < 0) {
                throw new IllegalArgumentException("scale " + s + " is not a finite value >= 0");
            }
        }
        float[] smooth = buffers.containsKey("smooth") ? checkSmoothing(floats("smooth", buffers.get("smooth"), cols), cols) : null;
        RowInterleave layout = layoutOf(rows, cols);
        return new W8A8IntLinear(layout, layout.interleave(q, W8A8Kernels.OVERREAD, Arena.ofAuto()), scales, smooth);
    }

    private static RowInterleave layoutOf(int rows, int cols) {
        return new RowInterleave(rows, cols, W8A8Kernels.ROWS, W8A8Kernels.CHUNK);
    }

    private static void checkShape(int rows, int cols) {
        if (rows < 1 || cols < 1 || cols > MAX_COLS) {
            throw new IllegalArgumentException("W8A8 needs 1 <= rows and 1 <= cols <= " + MAX_COLS + ", got " + rows + "x" + cols);
        }
    }

    /** Null for none (also for all-ones factors); otherwise a copy, each factor finite and positive. */
    private static float[] checkSmoothing(float[] smoothing, int cols) {
        if (smoothing == null) {
            return null;
        }
        if (smoothing.length != cols) {
            throw new IllegalArgumentException("smoothing has " + smoothing.length + " factors for " + cols + " columns");
        }
        boolean unit = true;
        for (int c = 0; c < cols; c++) {
            float m = smoothing[c];
            if (!Float.isFinite(m) || m <= 0) {
                throw new IllegalArgumentException("smoothing factor " + c + " is " + m + "; it must be finite and > 0");
            }
            unit &= m == 1f;
        }
        return unit ? null : smoothing.clone();
    }

    private static void requireBytes(String name, MemorySegment s, long expected) {
        if (s.byteSize() != expected) {
            throw new IllegalArgumentException(name + " has " + s.byteSize() + " bytes, expected " + expected);
        }
    }

    private static float[] floats(String name, MemorySegment s, int n) {
        requireBytes(name, s, 4L * n);
        float[] v = new float[n];
        MemorySegment.copy(s, F32, 0, v, 0, n);
        return v;
    }

    /** Symmetric int8 code of {@code v} under scale {@code s}: rint half to even, clamped to +-127; 0 when s is 0. */
    static int toInt8(float v, float s) {
        if (s == 0f) {
            return 0;
        }
        return (int) Math.max(-127, Math.min(127, Math.rint(v / s)));
    }

    /**
     * Token {@code x[off .. off+cols)}: divided by the smoothing factors, quantized to int8 values stored as floats in
     * {@code dst[dstOff ..]}; returns {@code s_x}.
     */
    float quantizeToken(float[] x, int off, float[] dst, int dstOff) {
        float s = W8A8Kernels.smoothedAbsMax(x, off, smooth, dst, dstOff, cols) / 127f;
        if (s > 0f && Float.isFinite(s)) {
            W8A8Kernels.roundCodes(dst, dstOff, cols, s);
        } else {
            for (int c = 0; c < cols; c++) {
                dst[dstOff + c] = toInt8(dst[dstOff + c], s);
            }
        }
        return s;
    }

    /** The per-row weight scale s_w. */
    public float scale(int row) { return scales[row]; }

    /** The int8 code of weight [row, col]. */
    public int code(int row, int col) { return codes.get(ValueLayout.JAVA_BYTE, layout.offset(row, col)); }

    /** The smoothing factors, or null when none. */
    public float[] smoothing() { return smooth == null ? null : smooth.clone(); }

    @Override
    public int inFeatures() { return cols; }

    @Override
    public int outFeatures() { return rows; }

    @Override
    public String format() { return "W8A8-INT8"; }

    @Override
    public long residentBytes() {
        return (long) rows * cols + 4L * rows + (smooth == null ? 0 : 4L * cols);
    }

    @Override
    public double bitsPerWeight() {
        return 8.0 * residentBytes() / ((double) rows * cols);
    }

    @Override
    public Map<String, MemorySegment> buffers() {
        Map<String, MemorySegment> m = new LinkedHashMap<>();
        m.put("qweight", layout.fileOrder(codes, Arena.ofAuto()).asReadOnly());
        m.put("scales", MemorySegment.ofArray(scales).asReadOnly());
        if (smooth != null) {
            m.put("smooth", MemorySegment.ofArray(smooth).asReadOnly());
        }
        return m;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        float s = scales[row];
        for (int c = 0; c < cols; c++) {
            dst[dstOff + c] = s * (float) code(row, c);
        }
    }

    /**
     * The codes of {@code row}, columns {@code [col, col+len)}, as floats: the GEMM's weight tile. Whole chunks (each
     * 16 codes in a row) widen as vectors when {@code col} starts one, as the GEMM's K-blocks do.
     */
    void decodeCodes(int row, int col, int len, float[] dst, int off) {
        int end = col + len;
        int i = col;
        int chunked = (int) layout.chunkedBytes();
        if (W8A8Kernels.vectorBound(W8A8Kernels.CHUNK) > 0 && col % W8A8Kernels.CHUNK == 0 && col < chunked) {
            int chunks = (Math.min(end, chunked) - col) / W8A8Kernels.CHUNK;
            W8A8Kernels.widenChunks(codes, layout.offset(row, col), layout.chunkStride(row), chunks, dst, off);
            i += chunks * W8A8Kernels.CHUNK;
        }
        for (; i < end; i++) {
            dst[off + i - col] = code(row, i);
        }
    }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        // Up to EXACT_FLOAT_COLS columns every partial sum of a row's products is an integer below 2^24, so the shared
        // float GEMM (which aligns its own rows) computes the int dot products exactly, in its whole-row path.
        boolean sharedGemm = tokens > 1 && cols <= EXACT_FLOAT_COLS;
        int xOff = sharedGemm ? 0 : W8A8Kernels.PAD;
        int xStride = sharedGemm ? cols : W8A8Kernels.rowStride(cols);
        float[] xq = grow(ACTIVATIONS.get(), xOff + tokens * xStride);
        float[] sx = new float[tokens];
        for (int t = 0; t < tokens; t++) {
            sx[t] = quantizeToken(in, t * cols, xq, xOff + t * xStride);
        }
        if (tokens == 1) {
            TiledMatmul.gemv(rows, cols, pool, (o0, n) -> {
                int[] acc = grow(DOTS.get(), n);
                gemv(o0, n, xq, xOff, acc);
                scaleOutputs(acc, o0, n, sx, 1, out);
            });
            return;
        }
        if (sharedGemm) {
            TiledMatmul.forward(rows, cols, this::decodeCodes, xq, out, tokens, pool);
            for (int t = 0; t < tokens; t++) {
                for (int o = 0; o < rows; o++) {
                    out[t * rows + o] = (sx[t] * scales[o]) * out[t * rows + o];
                }
            }
            return;
        }
        pool.forEach(TiledMatmul.chunks(rows), TiledMatmul.workPerChunk(cols, tokens), c -> {
            int o0 = c * TiledMatmul.CHUNK_ROWS;
            int n = Math.min(TiledMatmul.CHUNK_ROWS, rows - o0);
            int[] acc = grow(DOTS.get(), n * tokens);
            W8A8Kernels.gemmChunk(this, o0, n, xq, xOff, xStride, tokens, acc);
            scaleOutputs(acc, o0, n, sx, tokens, out);
        });
    }

    /** {@code out} of rows {@code [o0, o0 + n)} for each token: the int dot products times both scales. */
    private void scaleOutputs(int[] acc, int o0, int n, float[] sx, int tokens, float[] out) {
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < n; r++) {
                out[t * rows + o0 + r] = (sx[t] * scales[o0 + r]) * (float) acc[t * n + r];
            }
        }
    }

    private static float[] grow(float[][] holder, int size) {
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }

    private static int[] grow(int[][] holder, int size) {
        if (holder[0].length < size) {
            holder[0] = new int[size];
        }
        return holder[0];
    }

    /**
     * Exact int dot products of rows {@code [o0, o0 + n)} with {@code xq[xOff ..]} into {@code acc[0 .. n)}: whole
     * groups through the vector kernel (their whole chunks) plus their last columns; other rows code by code.
     */
    private void gemv(int o0, int n, float[] xq, int xOff, int[] acc) {
        int end = o0 + n;
        int groupedEnd = Math.min(end, layout.groupedRows());
        int chunked = W8A8Kernels.vectorBound(W8A8Kernels.CHUNK) > 0 ? (int) layout.chunkedBytes() : 0;
        int r = o0;
        for (; r < end && r % W8A8Kernels.ROWS != 0; r++) {
            acc[r - o0] = dot(r, xq, xOff, 0);
        }
        for (; r + W8A8Kernels.ROWS <= groupedEnd; r += W8A8Kernels.ROWS) {
            W8A8Kernels.gemvGroup(codes, layout.offset(r, 0), xq, xOff, chunked, acc, r - o0);
            for (int k = 0; k < W8A8Kernels.ROWS; k++) {
                acc[r - o0 + k] += dot(r + k, xq, xOff, chunked);
            }
        }
        for (; r < end; r++) {
            acc[r - o0] = dot(r, xq, xOff, 0);
        }
    }

    /**
     * The scalar reference: the int dot product of row {@code row}'s codes and {@code xq[xOff ..]} over columns
     * {@code [from, cols)}.
     */
    int dot(int row, float[] xq, int xOff, int from) {
        int s = 0;
        for (int c = from; c < cols; c++) {
            s += code(row, c) * (int) xq[xOff + c];
        }
        return s;
    }
}
