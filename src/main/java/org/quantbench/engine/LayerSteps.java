package org.quantbench.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

import java.util.Arrays;

/**
 * The steps of a decoder layer between its linears, for one sequence at positions {@code 0 .. n-1}: RMSNorm, the
 * q/k/v biases, RoPE with causal attention, SwiGLU and the residual add, for code that runs a layer piece by piece
 * (the calibration pipeline captures each linear's input). Norms, RoPE and SwiGLU are the forward pass's own; the
 * attention softmax uses the Vector API's exp (calibration runs tens of millions of them per layer), so its
 * outputs match the forward pass's to float rounding, not bit for bit. Safe for one caller at a time.
 */
public final class LayerSteps {
    private final ModelConfig c;
    private final ComputePool pool;
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private final RopeTable rope;
    private final int maxTokens;
    private final ThreadLocal<float[]> scores;

    public LayerSteps(ModelConfig config, int maxTokens, ComputePool pool) {
        if (maxTokens < 1 || maxTokens > config.maxSeqLen()) {
            throw new IllegalArgumentException("sequence length must be 1.." + config.maxSeqLen() + ", got " + maxTokens);
        }
        this.c = config;
        this.pool = pool;
        this.rope = new RopeTable(config, maxTokens);
        this.maxTokens = maxTokens;
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
        if (n > maxTokens) {
            throw new IllegalArgumentException(n + " tokens exceed the " + maxTokens + " positions of this buffer");
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
        int heads = c.nHeads();
        int headDim = c.headDim();
        int group = heads / c.nKvHeads();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        pool.forEach(n * heads, (long) headDim * n, task -> {
            int t = task / heads;
            int h = task % heads;
            int qOff = t * c.qDim() + h * headDim;
            int kvOff = (h / group) * headDim;
            int len = t + 1;
            float[] s = scores.get();
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                float score = MatmulKernels.dot(q, qOff, k, j * kvDim + kvOff, headDim) * scale;
                s[j] = score;
                max = Math.max(max, score);
            }
            float sum = expShifted(s, len, max);
            float inv = 1f / sum;
            Arrays.fill(att, qOff, qOff + headDim, 0f);
            for (int j = 0; j < len; j++) {
                Ops.axpy(s[j] * inv, v, j * kvDim + kvOff, att, qOff, headDim);
            }
        });
    }

    /** {@code s[j] = exp(s[j] - max)} for {@code j < len}; returns their sum. */
    private static float expShifted(float[] s, int len, float max) {
        int j = 0;
        float sum = 0f;
        if (VectorSupport.enabled()) {
            FloatVector m = FloatVector.broadcast(S, max);
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(len); j < bound; j += S.length()) {
                FloatVector e = FloatVector.fromArray(S, s, j).sub(m).lanewise(VectorOperators.EXP);
                e.intoArray(s, j);
                acc = acc.add(e);
            }
            sum = MatmulKernels.sumLanes(acc);
        }
        for (; j < len; j++) {
            float e = (float) Math.exp(s[j] - max);
            s[j] = e;
            sum += e;
        }
        return sum;
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
