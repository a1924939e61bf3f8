package org.quantbench.quant.gptq;

import org.quantbench.quant.calib.HessianLayerLoop;
import org.quantbench.quant.calib.LayerContext;
import org.quantbench.quant.calib.LayerQuantizer;
import org.quantbench.quant.calib.LayerResult;
import org.quantbench.quant.intq.IntQuantizer;


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
        return HessianLayerLoop.run(context, (role, name, w, h) -> {
            Gptq.Result r = Gptq.quantize(context.weightRows(role), w.rows(), w.cols(), h, quantizer, groupSize, config,
                    context.pool(), name);
            return new HessianLayerLoop.Quantized(r.linear(), r.loss(),
                    String.format("loss %.4g, damp %.3g", r.loss(), r.damp()));
        });
    }
}
