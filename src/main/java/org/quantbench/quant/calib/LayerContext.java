package org.quantbench.quant.calib;

import org.quantbench.model.ModelConfig;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

/**
 * One decoder layer as a {@link LayerQuantizer} sees it. Weights are the checkpoint's, as stored (mapped, never
 * modified); inputs are the captured activations of the calibration batch, whose first layer's inputs come from the
 * embeddings and later ones from the already-quantized previous layers (or the float ones, as configured).
 */
public interface LayerContext {

    /** The layer index, 0-based. */
    int layer();

    ModelConfig config();

    /** The stored float (or any stored dtype) weight of {@code role}, {@code [out, in]} row-major. */
    WeightTensor weight(LinearRole role);

    /** The weight of {@code role} widened to a new float array, {@code rows x cols} row-major. */
    float[] weightRows(LinearRole role);

    /** The stored attn_norm weights (a copy). */
    float[] attnNorm();

    /** The stored ffn_norm weights (a copy). */
    float[] ffnNorm();

    /**
     * The captured input of {@code group} over the calibration batch, computed on first use through the linears
     * committed so far (float ones for roles not committed). The same object is returned until a commit makes it
     * stale; then the next call recomputes it.
     */
    Activations inputs(InputGroup group);

    /** Uses {@code linear} for {@code role} when computing inputs of later groups (true sequential). */
    void commit(LinearRole role, QuantizedLinear linear);

    /** The pool to run parallel work on. */
    ComputePool pool();

    /** The calibration seed, for algorithms with random initialisation. */
    long seed();

    /** Reports progress inside the layer (one line, e.g. a linear's loss). */
    void report(String message);
}
