package org.quantbench.engine;

import org.quantbench.tensor.ComputePool;

/**
 * A linear layer {@code y = W x} seen the same way for every weight format, so the engine, the evaluators and
 * the benchmarks run unchanged on the base model and on each quantized variant.
 */
public interface Linear {

    int inFeatures();

    int outFeatures();

    /**
     * {@code out[t*outFeatures + o] = sum_i W[o,i] * in[t*inFeatures + i]} for each of {@code tokens} rows.
     * Each output is computed in the canonical order of {@link org.quantbench.tensor.MatmulKernels}, so results do
     * not depend on the number of tokens in the block or on the thread count.
     */
    void forward(float[] in, float[] out, int tokens, ComputePool pool);

    /** Bytes the weights occupy in memory (mapped or on the heap), scales and zeros included. */
    long residentBytes();

    /** The storage format, e.g. "F32", "BF16", "Q4_1". */
    String format();
}
