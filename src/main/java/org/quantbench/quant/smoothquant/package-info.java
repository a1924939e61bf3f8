/**
 * SmoothQuant for W8A8-INT: per input channel {@code s = max|X|^alpha / max|W|^(1-alpha)} moves activation outliers
 * into the weights ({@link org.quantbench.quant.smoothquant.SmoothQuant}); per decoder layer
 * ({@link org.quantbench.quant.smoothquant.SmoothQuantLayerQuantizer}) the factors fold into attn_norm (q/k/v),
 * ffn_norm (gate/up), up's rows (down) and, without grouped kv heads, v's rows (o), and every linear becomes a
 * {@link org.quantbench.quant.intq.W8A8IntLinear} of its smoothed weights with no run-time smoothing of its own.
 */
package org.quantbench.quant.smoothquant;
