package org.quantbench.engine;

import org.quantbench.tensor.WeightTensor;

/** Chooses the {@link Linear} for each weight matrix of a model: the stored format, or a quantized one. */
@FunctionalInterface
public interface LinearFactory {
    LinearFactory STORED = (name, weight) -> new DenseLinear(weight);

    Linear create(String canonicalName, WeightTensor weight);
}
