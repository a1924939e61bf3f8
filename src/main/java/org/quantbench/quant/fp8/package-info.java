/**
 * FP8 E4M3 ("e4m3fn") weights, optionally with FP8 activations.
 * <p>
 * {@link org.quantbench.quant.fp8.Fp8E4M3} is the exact codec: the float cast rounds to nearest, ties to even,
 * saturates at ±448 (infinities too), keeps NaN as S.1111.111, and reaches down to the subnormal 2^-9; decoding
 * is a 256-entry table. {@link org.quantbench.quant.fp8.Fp8Linear} is the layer:
 * <ul>
 *   <li>{@code qweight}: rows x cols code bytes, row-major [out, in]; never a NaN code.</li>
 *   <li>{@code scales}: float32 little-endian {@code amax/448}, one per row (per channel, the default) or one for the
 *       tensor.</li>
 *   <li>bits per weight: {@code 8 + 32 * scales / (rows * cols)}.</li>
 * </ul>
 * Format names: "FP8-weight" (float activations, per-channel scales), "FP8-dynamic" (activations cast to FP8 per
 * token with {@code s_x = amax_token/448}, per-channel scales); a "-tensor" suffix marks a per-tensor scale.
 * Outputs are {@code dot(decode(q_w), a) * s} with {@code a} the float activations or their FP8 values, summed in the
 * canonical float order of {@link org.quantbench.tensor.MatmulKernels} (products of two E4M3 values are exact in
 * float32), and {@code s = s_w} or {@code s_w * s_x}; GEMV and GEMM share every step, so they agree bit for bit.
 */
package org.quantbench.quant.fp8;
