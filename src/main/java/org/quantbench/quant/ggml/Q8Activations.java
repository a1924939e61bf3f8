package org.quantbench.quant.ggml;

/**
 * llama.cpp's on-the-fly quantization of an activation row before its dot products with block weights: the row is cut
 * into blocks of 32, each stored as 32 int8 codes and an fp16 scale (Q8_0, paired with Q8_0 and Q4_0 weights), plus,
 * for Q8_1 (paired with Q4_1 weights), the block's scaled code sum as fp16.
 * <p>
 * This is the arithmetic of ggml's x86 CPU builds (the AVX/AVX2 code, which the AVX-512 builds run too): with
 * {@code amax} the block's largest magnitude, the scale is {@code d = amax / 127} (stored as fp16), the codes are
 * {@code rint(x * (127 / amax))} (ties to even; all zero when amax is 0), and Q8_1's sum is
 * {@code fp16(d * sum(codes))} with the unrounded d. ggml's portable reference ({@code quantize_row_q8_0_ref}) differs
 * in two details, multiplying by {@code 1 / d} and rounding ties away from zero; both change a code only on exact ties
 * or at one ulp of the multiplier.
 * <p>
 * Scalar on purpose: a row is quantized once per matmul, which then spends {@code rows} times as many operations on it.
 */
final class Q8Activations {
    static final int QK = 32;

    private Q8Activations() {}

    /**
     * Quantizes {@code x[off .. off + n)} ({@code n} a multiple of 32) into {@code q[qOff ..]}, block b's scale (fp16,
     * widened) into {@code d[dOff + b]} and, when {@code s} is not null, its Q8_1 sum (fp16, widened) into
     * {@code s[dOff + b]}.
     */
    static void quantize(float[] x, int off, int n, byte[] q, int qOff, float[] d, float[] s, int dOff) {
        if (n % QK != 0) {
            throw new IllegalArgumentException("activation rows are quantized in blocks of " + QK + ", got " + n);
        }
        for (int b = 0; b < n / QK; b++) {
            int from = off + QK * b;
            float amax = 0f;
            for (int i = 0; i < QK; i++) {
                amax = Math.max(amax, Math.abs(x[from + i]));
            }
            float scale = amax / 127f;
            float inverse = amax != 0f ? 127f / amax : 0f;
            int sum = 0;
            for (int i = 0; i < QK; i++) {
                int code = (int) Math.rint(x[from + i] * inverse);
                q[qOff + QK * b + i] = (byte) code;
                sum += code;
            }
            d[dOff + b] = fp16(scale);
            if (s != null) {
                s[dOff + b] = fp16(scale * sum);
            }
        }
    }

    /** The float nearest to x among fp16 values (round to nearest even), as ggml stores scales. */
    static float fp16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }
}
