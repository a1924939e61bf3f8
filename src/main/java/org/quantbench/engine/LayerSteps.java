package org.quantbench.engine;

import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.ComputePool;

import java.util.Arrays;

/**
 * The steps of a decoder layer between its linears, for one sequence at positions {@code 0 .. n-1}: RMSNorm, the
 * q/k/v biases, RoPE with causal attention, SwiGLU and the residual add. Code that runs a layer piece by piece
 * (the calibration pipeline captures each linear's input) gets exactly the arithmetic of the forward pass.
 * Holds a KV buffer for {@code maxTokens} positions, so one instance serves one caller at a time.
 */
public final class LayerSteps {
    private final ModelConfig c;
    private final ComputePool pool;
    private final RopeTable rope;
    private final KvCache cache;
    private final KvCache[] caches;
    private final int[] positions;
    private final ThreadLocal<float[]> scores;

    public LayerSteps(ModelConfig config, int maxTokens, ComputePool pool) {
        if (maxTokens < 1 || maxTokens > config.maxSeqLen()) {
            throw new IllegalArgumentException("sequence length must be 1.." + config.maxSeqLen() + ", got " + maxTokens);
        }
        this.c = config;
        this.pool = pool;
        this.rope = new RopeTable(config, maxTokens);
        this.cache = new KvCache(1, maxTokens, config.kvDim());
        this.caches = new KvCache[maxTokens];
        Arrays.fill(caches, cache);
        this.positions = new int[maxTokens];
        for (int t = 0; t < maxTokens; t++) {
            positions[t] = t;
        }
        this.scores = ThreadLocal.withInitial(() -> new float[maxTokens]);
    }

    /** {@code out[t] = weight * x[t] / rms(x[t])} for each of {@code tokens} rows of {@code dim}. */
    public void rmsNorm(float[] x, float[] weight, float[] out, int tokens) {
        Ops.rmsNorm(x, weight, out, tokens, c.dim(), c.normEps());
    }

    /**
     * Adds the biases (when non-null) to the linears' outputs {@code q [n x qDim]}, {@code k, v [n x kvDim]}, rotates
     * q and k in place and writes the causal attention of each token into {@code att [n x qDim]}.
     */
    public void attention(float[] q, float[] k, float[] v, float[] qBias, float[] kBias, float[] vBias, float[] att, int n) {
        if (n > positions.length) {
            throw new IllegalArgumentException(n + " tokens exceed the " + positions.length + " positions of this buffer");
        }
        if (qBias != null) {
            Ops.addBias(q, qBias, n);
            Ops.addBias(k, kBias, n);
            Ops.addBias(v, vBias, n);
        }
        int kvDim = c.kvDim();
        for (int t = 0; t < n; t++) {
            rope.rotate(q, t * c.qDim(), c.nHeads(), t);
            rope.rotate(k, t * kvDim, c.nKvHeads(), t);
        }
        System.arraycopy(k, 0, cache.keys[0], 0, n * kvDim);
        System.arraycopy(v, 0, cache.values[0], 0, n * kvDim);
        Attention.run(c, pool, scores, q, att, 0, n, caches, positions);
    }

    /** {@code gate = silu(gate) * up} over {@code n} values. */
    public static void swiglu(float[] gate, float[] up, int n) {
        Ops.swiglu(gate, up, n);
    }

    /** {@code acc += add} over {@code n} values. */
    public static void addInPlace(float[] acc, float[] add, int n) {
        Ops.addInPlace(acc, add, n);
    }
}
