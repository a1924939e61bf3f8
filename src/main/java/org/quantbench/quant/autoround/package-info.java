/**
 * AutoRound: signSGD on per-weight rounding offsets and per-group clipping factors
 * ({@link org.quantbench.quant.autoround.RoundingState}), 200 steps at learning rate 1/200 decaying linearly, one
 * calibration sample per step, the best step's values kept ({@link org.quantbench.quant.autoround.AutoRoundQuantizer}).
 * The objective is each linear's own output error on its captured inputs, a documented simplification of
 * auto-round's objective (the whole decoder block's output with all its linears quantized together); the layer runs
 * its groups in forward order with each group committed first, so later linears see quantized inputs
 * ({@link org.quantbench.quant.autoround.AutoRoundLayerQuantizer}). Asymmetric groups and both symmetric conventions
 * ({@link org.quantbench.quant.intq.SymmetricConvention#AUTO_ROUND}, auto-round's own, and llm-compressor's) are
 * supported; the scheme picks one. Output: {@link org.quantbench.quant.intq.IntGroupedLinear}.
 */
package org.quantbench.quant.autoround;
