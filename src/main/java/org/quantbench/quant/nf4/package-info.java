/**
 * bitsandbytes' NF4 4-bit weights, with or without double quantization of the block scales.
 * <p>
 * {@link org.quantbench.quant.nf4.Nf4Code} holds the 16 NF4 values and the nearest-value rule (a weight exactly on a
 * midpoint takes the lower code); {@link org.quantbench.quant.nf4.SignedDynamicCode} is bitsandbytes' 8-bit signed
 * dynamic code used for the absmax values. {@link org.quantbench.quant.nf4.Nf4Linear} is the layer:
 * <ul>
 *   <li>{@code qweight}: per row {@code ceil(cols/2)} bytes, the first element of each pair in the HIGH nibble.</li>
 *   <li>blocks of {@code blockSize} (64) weights along each row, the last one shorter when it does not divide cols;
 *       absmax number {@code row * ceil(cols/blockSize) + j}. With cols a multiple of the block size this equals
 *       bitsandbytes' blocks over the flattened tensor.</li>
 *   <li>{@code absmax}: float32 per block ("NF4"), or with double quantization ("NF4-DQ") one byte per block, plus
 *       {@code nested_absmax} (float32 per 256 absmax values) and {@code nested_offset} (the float32 mean {@code c}):
 *       {@code absmax = code8[q] * nested_absmax + c}.</li>
 *   <li>bits per weight: 4.5 at block 64; 4 + 8/64 + 32/(64*256) + 32/(rows*cols), about 4.127, with double
 *       quantization.</li>
 * </ul>
 * A weight is {@code value[q] * absmax}, one float multiply, the same in the scalar reference, the GEMV and the GEMM
 * tile decoder.
 */
package org.quantbench.quant.nf4;
