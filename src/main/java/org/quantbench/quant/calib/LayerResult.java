package org.quantbench.quant.calib;

import org.quantbench.quant.QuantizedLinear;

import java.util.EnumMap;
import java.util.Map;

/**
 * What a {@link LayerQuantizer} produces for one decoder layer: a quantized linear for each of the seven roles,
 * optional replacement weights for the layer's {@code attn_norm} / {@code ffn_norm} (null: keep the stored ones;
 * AWQ and SmoothQuant fold their per-channel scales there), and the layer's loss (the algorithm's own objective,
 * summed over the linears, shown as progress).
 */
public record LayerResult(Map<LinearRole, QuantizedLinear> linears, float[] attnNorm, float[] ffnNorm, double loss) {

    public LayerResult {
        Map<LinearRole, QuantizedLinear> copy = new EnumMap<>(LinearRole.class);
        copy.putAll(linears);
        for (LinearRole role : LinearRole.values()) {
            if (copy.get(role) == null) {
                throw new IllegalArgumentException("a layer result needs a quantized " + role + " linear");
            }
        }
        linears = java.util.Collections.unmodifiableMap(copy);
    }

    /** Linears only, norms kept as stored. */
    public static LayerResult of(Map<LinearRole, QuantizedLinear> linears, double loss) {
        return new LayerResult(linears, null, null, loss);
    }
}
