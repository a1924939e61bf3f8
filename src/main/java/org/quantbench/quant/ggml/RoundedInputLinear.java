package org.quantbench.quant.ggml;

import org.quantbench.engine.Linear;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.RowDecoders;

/**
 * A linear over F16 or BF16 weights with llama.cpp's CPU arithmetic: ggml converts the activations to the weights' own
 * 16-bit type (round to nearest even) before the dot products, which then accumulate in float.
 */
final class RoundedInputLinear implements Linear {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private final Linear inner;
    private final DType activations;

    RoundedInputLinear(Linear inner, DType activations) {
        if (activations != DType.F16 && activations != DType.BF16) {
            throw new IllegalArgumentException("activations are rounded to F16 or BF16, not " + activations);
        }
        this.inner = inner;
        this.activations = activations;
    }

    @Override
    public int inFeatures() { return inner.inFeatures(); }

    @Override
    public int outFeatures() { return inner.outFeatures(); }

    @Override
    public long residentBytes() { return inner.residentBytes(); }

    @Override
    public String format() { return inner.format(); }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        int n = tokens * inner.inFeatures();
        float[] x = SCRATCH.get();
        if (x.length < n) {
            x = new float[n];
            SCRATCH.set(x);
        }
        for (int i = 0; i < n; i++) {
            x[i] = activations == DType.F16 ? Q8Activations.fp16(in[i])
                    : RowDecoders.bf16ToFloat(RowDecoders.floatToBf16(in[i]));
        }
        inner.forward(x, out, tokens, pool);
    }
}
