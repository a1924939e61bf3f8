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
    /** Keys per score tile; queries per task. */
    private static final int KEY_TILE = 64;
    private static final int QUERY_BLOCK = 32;
    private final int maxTokens;
    private final ThreadLocal<float[]> scores;
    private float[] kt = new float[0];

    public LayerSteps(ModelConfig config, int maxTokens, ComputePool pool) {
        if (maxTokens < 1 || maxTokens > config.maxSeqLen()) {
            throw new IllegalArgumentException("sequence length must be 1.." + config.maxSeqLen() + ", got " + maxTokens);
        }
        this.c = config;
        this.pool = pool;
        this.rope = new RopeTable(config, maxTokens);
        this.maxTokens = maxTokens;
        int span = (maxTokens + KEY_TILE - 1) / KEY_TILE * KEY_TILE;
        this.scores = ThreadLocal.withInitial(() -> new float[QUERY_BLOCK * span]);
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
        int headDim = c.headDim();
        int kvHeads = c.nKvHeads();
        int keys = (n + KEY_TILE - 1) / KEY_TILE * KEY_TILE;
        // keys transposed per kv head, [kvHead][d][j], so scores come from an outer-product kernel
        float[] kt = keysTransposed(kvHeads * headDim * keys);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < kvDim; i++) {
                kt[i * keys + j] = k[j * kvDim + i];
            }
        }
        for (int i = 0; i < kvHeads * headDim; i++) {
            Arrays.fill(kt, i * keys + n, (i + 1) * keys, 0f);
        }
        int blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        pool.forEach(c.nHeads() * blocks, (long) QUERY_BLOCK * n * headDim, task ->
                attendBlock(task / blocks, (task % blocks) * QUERY_BLOCK, Math.min(n, (task % blocks + 1) * QUERY_BLOCK),
                        q, kt, keys, v, att));
    }

    private float[] keysTransposed(int size) {
        if (kt.length < size) {
            kt = new float[size];
        }
        return kt;
    }

    /** Queries [t0, t1) of head h: scores, causal softmax, then the weighted sum of values. */
    private void attendBlock(int h, int t0, int t1, float[] q, float[] kt, int keys, float[] v, float[] att) {
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int kvOff = (h / (c.nHeads() / c.nKvHeads())) * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] p = scores.get();
        int span = (t1 + KEY_TILE - 1) / KEY_TILE * KEY_TILE;
        Arrays.fill(p, 0, (t1 - t0) * span, 0f);
        for (int t = t0; t < t1; t++) {
            int row = (t - t0) * span;
            int qOff = t * c.qDim() + h * headDim;
            int lastTile = t / KEY_TILE * KEY_TILE;
            for (int d = 0; d < headDim; d++) {
                float qd = q[qOff + d] * scale;
                int kRow = (kvOff + d) * keys;
                for (int j0 = 0; j0 <= lastTile; j0 += KEY_TILE) {
                    axpy(qd, kt, kRow + j0, p, row + j0, KEY_TILE);
                }
            }
            int len = t + 1;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                max = Math.max(max, p[row + j]);
            }
            float inv = 1f / expShifted(p, row, len, max);
            Arrays.fill(p, row + len, row + span, 0f);
            for (int j = 0; j < len; j++) {
                p[row + j] *= inv;
            }
            Ops.weightedRows(p, row, len, v, kvOff, kvDim, len, 0, att, t * c.qDim() + h * headDim, headDim);
        }
    }

    /** {@code y[yOff..+n) += a * x[xOff..+n)}, n a multiple of the vector length when vectors are on. */
    private static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        Ops.axpy(a, x, xOff, y, yOff, n);
    }

    /** {@code s[off+j] = exp(s[off+j] - max)} for {@code j < len}; returns their sum. */
    private static float expShifted(float[] s, int off, int len, float max) {
        int j = 0;
        float sum = 0f;
        if (VectorSupport.enabled()) {
            FloatVector m = FloatVector.broadcast(S, max);
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(len); j < bound; j += S.length()) {
                FloatVector e = exp(FloatVector.fromArray(S, s, off + j).sub(m));
                e.intoArray(s, off + j);
                acc = acc.add(e);
            }
            sum = MatmulKernels.sumLanes(acc);
        }
        for (; j < len; j++) {
            float e = (float) Math.exp(s[off + j] - max);
            s[off + j] = e;
            sum += e;
        }
        return sum;
    }

    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUNDER = 12582912f;

    /**
     * {@code e^x} for {@code x <= 0} (softmax arguments; below -87 the result is about 1e-38 instead of 0), within
     * about 2 ulp: {@code x = n ln2 + r}, a degree-6 polynomial for {@code e^r}, times {@code 2^n} built in the
     * exponent bits. Only adds, multiplies and fused multiply-adds, which round the same whether the JIT compiled the
     * code or not; the Vector API's own EXP does not (its intrinsic and its Java fallback differ in the last bits), and
     * calibration must give the same model on every run.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87.3f);
        FloatVector n = x.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(1f / 720, 1f / 120);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        FloatVector scale = n.convert(VectorOperators.F2I, 0).reinterpretAsInts()
                .add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
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
