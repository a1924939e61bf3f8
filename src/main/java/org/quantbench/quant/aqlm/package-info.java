/**
 * AQLM additive quantization (issue 6): the format {@link org.quantbench.quant.aqlm.AqlmLinear} (2x8 and 1x16 on
 * groups of 8 input columns, float16 codebooks and row scales, lookup-table and direct kernels sharing one summation
 * order), the algorithm {@link org.quantbench.quant.aqlm.AqlmQuantizer} (residual k-means, beam search over codes on
 * the Hessian-weighted objective, conjugate-gradient codebook least squares, closed-form scales) and its place on the
 * calibration pipeline, {@link org.quantbench.quant.aqlm.AqlmLayerQuantizer}.
 */
package org.quantbench.quant.aqlm;
