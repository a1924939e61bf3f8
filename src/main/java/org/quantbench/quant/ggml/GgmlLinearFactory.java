package org.quantbench.quant.ggml;

import org.quantbench.engine.DenseLinear;
import org.quantbench.engine.Linear;
import org.quantbench.engine.LinearFactory;
import org.quantbench.tensor.WeightTensor;

/**
 * Runs a model's Q8_0, Q4_0 and Q4_1 matrices where they were mapped, with the fused block kernels
 * ({@link GgmlBlockLinear#wrap}); every other stored type stays a {@link DenseLinear}. Outputs are bit-identical to
 * {@link LinearFactory#STORED}, which widens the same blocks to the same floats, only faster.
 */
public final class GgmlLinearFactory implements LinearFactory {

    @Override
    public Linear create(String canonicalName, WeightTensor weight) {
        return GgmlBlockLinear.supports(weight.dtype()) ? GgmlBlockLinear.wrap(weight) : new DenseLinear(weight);
    }
}
