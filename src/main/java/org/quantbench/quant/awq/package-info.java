/**
 * AWQ (activation-aware weight quantization; W4A16, group 128, asymmetric by default) and the float math the three
 * calibration packages here share.
 * <p>
 * Per decoder layer ({@link org.quantbench.quant.awq.AwqLayerQuantizer}, the pipeline's
 * {@link org.quantbench.quant.calib.LayerQuantizer}): inputs of the four scale groups captured from the float
 * layer; for each group the alpha grid search ({@link org.quantbench.quant.awq.AwqScaleSearch}, {@code s =
 * meanAbs^alpha} normalised, scored by the group's concatenated output MSE on all calibration tokens); all scales
 * folded at once (norms, v rows when the attention has no grouped kv heads, up rows); then per linear the clip search
 * and the codes ({@link org.quantbench.quant.awq.AwqLinearQuantizer}) as an
 * {@link org.quantbench.quant.intq.IntGroupedLinear}.
 * <p>
 * Every output error is computed from the Gram matrix {@code H = X^T X} of the inputs,
 * {@code ||X E^T||^2 = tr(E H E^T)} ({@link org.quantbench.quant.awq.OutputError}): one {@code rows x cols x cols}
 * GEMM per candidate instead of a pass over the tokens, exact up to float rounding. Shared helpers:
 * {@link org.quantbench.quant.awq.DenseGemm} (blocked Vector API GEMMs), {@link org.quantbench.quant.awq.ChannelStats},
 * {@link org.quantbench.quant.awq.ChannelScaling} (folding per-channel factors without changing the float function),
 * {@link org.quantbench.quant.awq.ArrayActivations}.
 */
package org.quantbench.quant.awq;
