package org.quantbench.quant.gptq;

import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.calib.HessianAccumulator;
import org.quantbench.quant.calib.InputGroup;
import org.quantbench.quant.calib.LayerContext;
import org.quantbench.quant.calib.LayerQuantizer;
import org.quantbench.quant.calib.LayerResult;
import org.quantbench.quant.calib.LinearRole;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.tensor.WeightTensor;

import java.util.EnumMap;
import java.util.Map;

/**
 * GPTQ on the calibration pipeline, true sequential inside the layer: the Hessian of each input group (q/k/v share
 * one, gate/up share one) is accumulated from inputs computed through the already-quantized earlier linears, each
 * linear of the group is quantized with {@link Gptq} and committed, then the next group's inputs are captured.
 */
public final class GptqLayerQuantizer implements LayerQuantizer {
    private final IntQuantizer quantizer;
    private final int groupSize;
    private final GptqConfig config;

    /** @param groupSize columns per group, or {@link org.quantbench.quant.intq.IntGroupedLinear#PER_CHANNEL} */
    public GptqLayerQuantizer(IntQuantizer quantizer, int groupSize, GptqConfig config) {
        this.quantizer = quantizer;
        this.groupSize = groupSize;
        this.config = config;
    }

    @Override
    public LayerResult quantize(LayerContext context) {
        Map<LinearRole, QuantizedLinear> linears = new EnumMap<>(LinearRole.class);
        double loss = 0;
        for (InputGroup group : InputGroup.values()) {
            long start = System.nanoTime();
            float[] h = HessianAccumulator.of(context.inputs(group), context.pool());
            double hessianSeconds = (System.nanoTime() - start) / 1e9;
            for (LinearRole role : LinearRole.reading(group)) {
                long t0 = System.nanoTime();
                WeightTensor w = context.weight(role);
                String name = role.tensorName(context.layer());
                Gptq.Result r = Gptq.quantize(context.weightRows(role), w.rows(), w.cols(), h, quantizer, groupSize,
                        config, context.pool(), name);
                context.commit(role, r.linear());
                linears.put(role, r.linear());
                loss += r.loss();
                context.report(String.format("%s loss %.4g, damp %.3g, %.2f s (Hessian %.2f s)", name, r.loss(), r.damp(),
                        (System.nanoTime() - t0) / 1e9, hessianSeconds));
            }
        }
        return LayerResult.of(linears, loss);
    }
}
