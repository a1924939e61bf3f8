package org.quantbench.quant.autoround;

import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.calib.Activations;
import org.quantbench.quant.calib.InputGroup;
import org.quantbench.quant.calib.LayerContext;
import org.quantbench.quant.calib.LayerQuantizer;
import org.quantbench.quant.calib.LayerResult;
import org.quantbench.quant.calib.LinearRole;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * AutoRound for one decoder layer: the groups in forward order (q/k/v, o, gate/up, down), each linear tuned by
 * {@link AutoRoundQuantizer} on its captured inputs, and each group committed before the next group's inputs are
 * asked for, so later linears see inputs produced through the already-quantized earlier ones (as auto-round's block
 * inputs come from the quantized previous blocks). The Gram matrices of a group's samples ({@link SampleGrams}) are
 * computed once and shared by its linears when they make the steps cheaper. Norms are left as stored. The layer's loss is the sum of the
 * linears' best step losses. Each linear's sample sequence is seeded by the calibration seed, the layer and the role.
 */
public final class AutoRoundLayerQuantizer implements LayerQuantizer {
    private final AutoRoundOptions options;

    public AutoRoundLayerQuantizer(AutoRoundOptions options) {
        this.options = options;
    }

    @Override
    public LayerResult quantize(LayerContext context) {
        Map<LinearRole, QuantizedLinear> linears = new EnumMap<>(LinearRole.class);
        double loss = 0;
        for (InputGroup g : InputGroup.values()) {
            Activations in = context.inputs(g);
            SampleGrams grams = SampleGrams.pays(in) ? SampleGrams.of(in, context.pool()) : null;
            for (LinearRole role : LinearRole.reading(g)) {
                float[] w = context.weightRows(role);
                long seed = context.seed() * 1_000_003L + context.layer() * 31L + role.ordinal();
                long start = System.nanoTime();
                AutoRoundQuantizer.Result r;
                try {
                    r = AutoRoundQuantizer.quantize(w, w.length / in.width(), in.width(), in, grams, options, seed,
                            context.pool());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(role.tensorName(context.layer()) + ": " + e.getMessage(), e);
                }
                context.report(String.format(Locale.ROOT, "AutoRound %s: loss %.4g at step %d (step 0, round-to-nearest: %.4g), %.1f s",
                        role, r.bestLoss(), r.bestIteration(), r.firstLoss(), (System.nanoTime() - start) / 1e9));
                linears.put(role, r.linear());
                loss += r.bestLoss();
            }
            for (LinearRole role : LinearRole.reading(g)) {
                context.commit(role, linears.get(role));
            }
        }
        return LayerResult.of(linears, loss);
    }
}
