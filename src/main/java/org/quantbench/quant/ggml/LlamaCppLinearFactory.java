package org.quantbench.quant.ggml;

import org.quantbench.engine.DenseLinear;
import org.quantbench.engine.Linear;
import org.quantbench.engine.LinearFactory;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

/**
 * Gives the linears of another factory llama.cpp's CPU arithmetic, so QuantBench reproduces llama.cpp's numbers on the
 * same GGUF file: Q8_0, Q4_0 and Q4_1 weights (as stored, or from the Q8_0/Q4_0/Q4_1 schemes) multiply int8-quantized
 * activations ({@link LlamaCppBlockLinear}); F16 and BF16 weights multiply activations rounded to their own type.
 * F32 weights (ggml multiplies them in float too) and QuantBench's other formats, which llama.cpp does not have, keep
 * their arithmetic.
 */
public final class LlamaCppLinearFactory implements LinearFactory {
    private final LinearFactory inner;

    /** @param inner chooses each layer's weights (e.g. {@link GgmlLinearFactory}, or a quantized model) */
    public LlamaCppLinearFactory(LinearFactory inner) {
        this.inner = inner;
    }

    @Override
    public Linear create(String canonicalName, WeightTensor weight) {
        return withLlamaCppArithmetic(inner.create(canonicalName, weight));
    }

    static Linear withLlamaCppArithmetic(Linear linear) {
        if (linear instanceof GgmlBlockLinear g) {
            return new LlamaCppBlockLinear(g);
        }
        if (linear instanceof DenseLinear d) {
            DType type = d.weight().dtype();
            if (GgmlBlockLinear.supports(type)) {
                return new LlamaCppBlockLinear(GgmlBlockLinear.wrap(d.weight()));
            }
            if (type == DType.F16 || type == DType.BF16) {
                return new RoundedInputLinear(d, type);
            }
        }
        return linear;
    }
}
