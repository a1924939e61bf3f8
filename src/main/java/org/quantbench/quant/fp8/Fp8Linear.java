package org.quantbench.quant.fp8;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Objects;

/**
 * Weights as FP8 E4M3 codes with float32 scales {@code s_w = amax/448}, per output channel or per tensor.
 * <p>
 * Layout (buffers): {@code qweight} = rows x cols code bytes, row-major ([out, in], as compressed-tensors'
 * {@code float-quantized} weight); {@code scales} = float32 little-endian, one per row ({@link Granularity#PER_CHANNEL})
 * or one in all ({@link Granularity#PER_TENSOR}). NaN codes never occur (the cast saturates) and are refused on restore.
 * <p>
 * Arithmetic, the same in GEMV and GEMM so that outputs do not depend on the token count: each output is the
 * canonical-order dot product ({@link org.quantbench.tensor.MatmulKernels}) of the decoded codes with the activations,
 * then one multiply by the output scale: {@code y = dot(decode(q_w), x) * s_w} with float activations
 * ({@link Activations#FLOAT}, "weight-only"), and {@code y = dot(decode(q_w), decode(q_x)) * (s_w * s_x)} with dynamic
 * per-token FP8 activations ({@link Activations#DYNAMIC}, W8A8-FP: {@code s_x = amax_token/448}, {@code q_x = cast(x / s_x)}).
 * Products of two E4M3 values are exact in float32, so the dynamic dot differs from an exact sum only by the rounding of
 * the float additions; summing in the canonical float order (rather than in double) keeps one kernel for both modes.
 * {@link #dequantizeRow} gives {@code s_w * decode(q_w)}, the weights the layer stands for; scaling the dot instead of
 * each weight saves a multiply per weight and differs from it by one rounding.
 */
public final class Fp8Linear implements QuantizedLinear {

    /** What the activations are multiplied as. */
    public enum Activations {
        /** Float activations ("FP8-weight", weight-only). */
        FLOAT,
        /** Activations cast to FP8 per token with a dynamic scale {@code amax/448} ("FP8-dynamic", W8A8-FP). */
        DYNAMIC
    }

    /** How many weight scales. */
    public enum Granularity { PER_CHANNEL, PER_TENSOR }

    public static final String QWEIGHT = "qweight";
    public static final String SCALES = "scales";
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final int rows;
    private final int cols;
    private final Activations activations;
    private final Granularity granularity;
    private final MemorySegment codes;
    private final MemorySegment scales;

    private Fp8Linear(int rows, int cols, Activations activations, Granularity granularity, MemorySegment codes,
                      MemorySegment scales) {
        this.rows = rows;
        this.cols = cols;
        this.activations = activations;
        this.granularity = granularity;
        this.codes = codes;
        this.scales = scales;
    }

    /**
     * Quantizes {@code w} row by row (twice for a per-tensor scale: once for the amax). A scale of 0 (an all-zero row
     * or tensor) gives code 0 everywhere.
     *
     * @throws IllegalArgumentException if a weight is NaN or infinite
     */
    public static Fp8Linear quantize(WeightTensor w, Activations activations, Granularity granularity) {
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(granularity, "granularity");
        int rows = w.rows();
        int cols = w.cols();
        float[] row = new float[cols];
        float tensorAmax = 0f;
        if (granularity == Granularity.PER_TENSOR) {
            for (int r = 0; r < rows; r++) {
                tensorAmax = Math.max(tensorAmax, readFiniteRow(w, r, row));
            }
        }
        MemorySegment codes = Arena.ofAuto().allocate((long) rows * cols, 64);
        MemorySegment scales = Arena.ofAuto().allocate(4L * scaleCount(rows, granularity), 64);
        if (granularity == Granularity.PER_TENSOR) {
            scales.set(F32, 0, tensorAmax / Fp8E4M3.MAX);
        }
        for (int r = 0; r < rows; r++) {
            float amax = readFiniteRow(w, r, row);
            float s = granularity == Granularity.PER_TENSOR ? scales.get(F32, 0) : amax / Fp8E4M3.MAX;
            if (granularity == Granularity.PER_CHANNEL) {
                scales.set(F32, 4L * r, s);
            }
            long base = (long) r * cols;
            for (int i = 0; i < cols; i++) {
                int code = s == 0f ? 0 : Fp8E4M3.encode(row[i] / s);
                codes.set(ValueLayout.JAVA_BYTE, base + i, (byte) code);
            }
        }
        return new Fp8Linear(rows, cols, activations, granularity, codes, scales);
    }

    /**
     * The layer over stored buffers ({@link #buffers()} of an earlier layer), used in place, not copied.
     *
     * @throws IllegalArgumentException if a buffer is missing, extra or of the wrong size, a scale is negative or not
     *                                  finite, or a code is NaN
     */
    public static Fp8Linear restore(int rows, int cols, Activations activations, Granularity granularity,
                                    Map<String, MemorySegment> buffers) {
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(granularity, "granularity");
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("FP8 layer shape must be positive, got " + rows + "x" + cols);
        }
        if (!buffers.keySet().equals(java.util.Set.of(QWEIGHT, SCALES))) {
            throw new IllegalArgumentException("FP8 buffers must be exactly " + QWEIGHT + ", " + SCALES + "; got " + buffers.keySet());
        }
        MemorySegment codes = buffers.get(QWEIGHT);
        MemorySegment scales = buffers.get(SCALES);
        requireSize(QWEIGHT, codes, (long) rows * cols);
        int count = scaleCount(rows, granularity);
        requireSize(SCALES, scales, 4L * count);
        for (int i = 0; i < count; i++) {
            float s = scales.get(F32, 4L * i);
            if (!(s >= 0f && s < Float.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("FP8 scale " + i + " is " + s + " (must be finite and >= 0)");
            }
        }
        long nan = firstNanCode(codes);
        if (nan >= 0) {
            throw new IllegalArgumentException("FP8 " + QWEIGHT + " holds a NaN code at byte " + nan);
        }
        return new Fp8Linear(rows, cols, activations, granularity, codes, scales);
    }

    private static int scaleCount(int rows, Granularity granularity) {
        return granularity == Granularity.PER_CHANNEL ? rows : 1;
    }

    private static void requireSize(String name, MemorySegment seg, long expected) {
        if (seg == null || seg.byteSize() != expected) {
            throw new IllegalArgumentException("FP8 buffer " + name + " must be " + expected + " bytes, got "
                    + (seg == null ? "none" : seg.byteSize()));
        }
    }

    /** Index of the first byte whose low 7 bits are all ones (a NaN code), or -1; 8 bytes at a time. */
    private static long firstNanCode(MemorySegment codes) {
        long n = codes.byteSize();
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            long t = (codes.get(I64, i) & 0x7F7F_7F7F_7F7F_7F7FL) ^ 0x7F7F_7F7F_7F7F_7F7FL;
            if (((t - 0x0101_0101_0101_0101L) & ~t & 0x8080_8080_8080_8080L) != 0) {
                break;
            }
        }
        for (; i < n; i++) {
            if (Fp8E4M3.isNaN(codes.get(ValueLayout.JAVA_BYTE, i))) {
                return i;
            }
        }
        return -1;
    }

    /** Widens row {@code r} into {@code row}; returns its largest magnitude. */
    private static float readFiniteRow(WeightTensor w, int r, float[] row) {
        w.readRow(r, row, 0);
        float amax = 0f;
        for (int i = 0; i < row.length; i++) {
            float v = row[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("tensor " + w.name() + " has a non-finite weight " + v + " at row "
                        + r + ", column " + i + "; FP8 quantization needs finite weights");
            }
            amax = Math.max(amax, Math.abs(v));
        }
        return amax;
    }

    /**
     * The per-token activation cast of {@link Activations#DYNAMIC}: for each token, {@code s_x = amax/448} into
     * {@code tokenScales[t]} and {@code decode(cast(x / s_x))} (= {@link Fp8E4M3#round}) into {@code decoded} (all zeros
     * when {@code s_x = 0}).
     */
    static void castActivations(float[] in, int tokens, int cols, float[] decoded, float[] tokenScales) {
        for (int t = 0; t < tokens; t++) {
            int off = t * cols;
            float s = Fp8Kernels.amax(in, off, cols) / Fp8E4M3.MAX;
            tokenScales[t] = s;
            if (s == 0f) {
                java.util.Arrays.fill(decoded, off, off + cols, 0f);
            } else {
                Fp8Kernels.roundQuotients(in, off, s, decoded, off, cols);
            }
        }
    }

    public Activations activations() { return activations; }

    public Granularity granularity() { return granularity; }

    /** {@code s_w} of row {@code row}. */
    public float weightScale(int row) {
        return scales.get(F32, granularity == Granularity.PER_CHANNEL ? 4L * row : 0L);
    }

    @Override
    public int inFeatures() { return cols; }

    @Override
    public int outFeatures() { return rows; }

    @Override
    public String format() {
        String base = activations == Activations.FLOAT ? "FP8-weight" : "FP8-dynamic";
        return granularity == Granularity.PER_TENSOR ? base + "-tensor" : base;
    }

    /** 8 bits per code plus 32 per scale. */
    @Override
    public double bitsPerWeight() {
        return 8.0 + 32.0 * scaleCount(rows, granularity) / ((double) rows * cols);
    }

    @Override
    public long residentBytes() {
        return codes.byteSize() + scales.byteSize();
    }

    @Override
    public Map<String, MemorySegment> buffers() {
        return Map.of(QWEIGHT, codes.asReadOnly(), SCALES, scales.asReadOnly());
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        float s = weightScale(row);
        long base = (long) row * cols;
        for (int i = 0; i < cols; i++) {
            dst[dstOff + i] = s * Fp8E4M3.decode(codes.get(ValueLayout.JAVA_BYTE, base + i));
        }
    }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        float[] x = in;
        float[] tokenScales = null;
        if (activations == Activations.DYNAMIC) {
            x = new float[tokens * cols];
            tokenScales = new float[tokens];
            castActivations(in, tokens, cols, x, tokenScales);
        }
        float[] sx = tokenScales;
        if (tokens == 1 && Fp8Kernels.FUSED) {
            float[] x1 = x;
            TiledMatmul.gemv(rows, cols, pool, (o0, n) -> {
                Fp8Kernels.gemv(codes, cols, o0, n, x1, out);
                scaleOutputs(out, 0, o0, n, sx, 0);
            });
            return;
        }
        TiledMatmul.forward(rows, cols, (row, col, len, dst, off) ->
                Fp8Kernels.decodeRun(codes, (long) row * cols + col, len, dst, off), x, out, tokens, pool);
        for (int t = 0; t < tokens; t++) {
            scaleOutputs(out, t * rows, 0, rows, sx, t);
        }
    }

    /** {@code y = dot * s_w}, or {@code dot * (s_w * s_x)} with dynamic activations: the one place outputs are scaled. */
    private void scaleOutputs(float[] out, int base, int o0, int n, float[] tokenScales, int token) {
        for (int o = o0; o < o0 + n; o++) {
            float s = tokenScales == null ? weightScale(o) : weightScale(o) * tokenScales[token];
            out[base + o] = out[base + o] * s;
        }
    }
}
