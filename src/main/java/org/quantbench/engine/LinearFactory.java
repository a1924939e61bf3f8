package org.quantbench.engine;

import org.quantbench.tensor.WeightTensor;

/**
 * Chooses the {@link Linear} for each weight matrix of a model: the stored format, or a quantized one; and the
 * values of each norm vector (calibration methods such as AWQ and SmoothQuant fold scales into the norms).
 */
@FunctionalInterface
public interface LinearFactory {
    LinearFactory STORED = (name, weight) -> new DenseLinear(weight);

    Linear create(String canonicalName, WeightTensor weight);

    /** The norm vector {@code canonicalName} to run with: by default the stored one, widened. */
    default float[] norm(String canonicalName, WeightTensor stored) {
        return stored.toFloatArray();
    }
}
