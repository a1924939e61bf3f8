package org.quantbench.quant.calib;

import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.WeightTensor;

import java.util.EnumMap;
import java.util.Map;

/**
 * The true-sequential loop of the Hessian-based methods (GPTQ, AQLM): per input group, the Hessian of inputs computed
 * through the already-quantized earlier linears; then each linear reading that group quantized, committed (so the
 * next group's inputs go through it) and reported with its time and the Hessian's.
 */
public final class HessianLayerLoop {
    private HessianLayerLoop() {}

    /** One quantized linear, its loss, and what the progress line says about it (e.g. {@code loss 0.12, damp 0.01}). */
    public record Quantized(QuantizedLinear linear, double loss, String detail) {
    }

    /** Quantizes one linear against the Hessian of its inputs. */
    @FunctionalInterface
    public interface PerLinear {
        Quantized quantize(LinearRole role, String name, WeightTensor weight, float[] hessian);
    }

    public static LayerResult run(LayerContext context, PerLinear perLinear) {
        Map<LinearRole, QuantizedLinear> linears = new EnumMap<>(LinearRole.class);
        double loss = 0;
        for (InputGroup group : InputGroup.values()) {
            long start = System.nanoTime();
            float[] h = HessianAccumulator.of(context.inputs(group), context.pool());
            double hessianSeconds = (System.nanoTime() - start) / 1e9;
            for (LinearRole role : LinearRole.reading(group)) {
                long t0 = System.nanoTime();
                String name = role.tensorName(context.layer());
                Quantized q = perLinear.quantize(role, name, context.weight(role), h);
                context.commit(role, q.linear());
                linears.put(role, q.linear());
                loss += q.loss();
                context.report(String.format("%s %s, %.2f s (Hessian %.2f s)", name, q.detail(),
                        (System.nanoTime() - t0) / 1e9, hessianSeconds));
            }
        }
        return LayerResult.of(linears, loss);
    }
}
