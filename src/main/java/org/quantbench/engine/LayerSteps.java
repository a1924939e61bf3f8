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
 * (the calibration pipeline captures each linear's input). Norms and RoPE are the forward pass's own; the
 * attention softmax and SwiGLU use a vector exp (calibration runs tens of millions of them per layer), so their
 * outputs match the forward pass's to float rounding, not bit for bit. Threads may run sequences at once (each has
 * its own buffers).
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
    /** A 4-query group's scaled queries. */
    private final ThreadLocal<float[]> qScaled;
    /** Each thread's transposed keys: calibration computes one sample per thread. */
    private final ThreadLocal<float[]> keysTransposed = ThreadLocal.withInitial(() -> new float[0]);

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
        this.qScaled = ThreadLocal.withInitial(() -> new float[4 * config.headDim()]);
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
        // keys transposed per kv head and key tile, [kvHead][tile][d][KEY_TILE], so scores come from an
        // outer-product kernel whose K loop (over d) has a constant stride
        float[] kt = keysTransposed(kvHeads * headDim * keys);
        Arrays.fill(kt, 0, kvHeads * headDim * keys, 0f);
        for (int j = 0; j < n; j++) {
            int tile = j / KEY_TILE;
            for (int kvh = 0; kvh < kvHeads; kvh++) {
                int base = keyTile(kvh, tile, keys, headDim) + j % KEY_TILE;
                for (int d = 0; d < headDim; d++) {
                    kt[base + d * KEY_TILE] = k[j * kvDim + kvh * headDim + d];
                }
            }
        }
        int blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        pool.forEach(c.nHeads() * blocks, (long) QUERY_BLOCK * n * headDim, task ->
                attendBlock(task / blocks, (task % blocks) * QUERY_BLOCK, Math.min(n, (task % blocks + 1) * QUERY_BLOCK),
                        q, kt, keys, v, att));
    }

    /** Where key tile {@code tile} of kv head {@code kvh} starts in the transposed keys. */
    private static int keyTile(int kvh, int tile, int keys, int headDim) {
        return (kvh * keys + tile * KEY_TILE) * headDim;
    }

    private float[] keysTransposed(int size) {
        float[] kt = keysTransposed.get();
        if (kt.length < size) {
            kt = new float[size];
            keysTransposed.set(kt);
        }
        return kt;
    }

    /**
     * Queries [t0, t1) of head h: scores, causal softmax, then the weighted sum of values. Groups of 4 queries run
     * register-tiled kernels over the key tiles the group's last query needs (the earlier queries' extra scores are
     * dropped by the softmax, their zero weights add nothing); the rest go one query at a time. Every score and output
     * sums its terms in the same order either way, so the results do not depend on the grouping.
     */
    private void attendBlock(int h, int t0, int t1, float[] q, float[] kt, int keys, float[] v, float[] att) {
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int kvh = h / (c.nHeads() / c.nKvHeads());
        int kvOff = kvh * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] p = scores.get();
        int span = (t1 + KEY_TILE - 1) / KEY_TILE * KEY_TILE;
        Arrays.fill(p, 0, (t1 - t0) * span, 0f);
        boolean tiled = VectorSupport.enabled() && S.length() * 4 == KEY_TILE;
        float[] qs = qScaled.get();
        int t = t0;
        for (; tiled && t + 4 <= t1; t += 4) {
            for (int r = 0; r < 4; r++) {
                int qOff = (t + r) * c.qDim() + h * headDim;
                for (int d = 0; d < headDim; d++) {
                    qs[r * headDim + d] = q[qOff + d] * scale;
                }
            }
            for (int tile = 0; tile <= (t + 3) / KEY_TILE; tile++) {
                scoreTile(qs, headDim, kt, keyTile(kvh, tile, keys, headDim), p, (t - t0) * span + tile * KEY_TILE, span);
            }
        }
        for (; t < t1; t++) {
            int row = (t - t0) * span;
            int qOff = t * c.qDim() + h * headDim;
            for (int d = 0; d < headDim; d++) {
                float qd = q[qOff + d] * scale;
                for (int tile = 0; tile <= t / KEY_TILE; tile++) {
                    axpy(qd, kt, keyTile(kvh, tile, keys, headDim) + d * KEY_TILE, p, row + tile * KEY_TILE, KEY_TILE);
                }
            }
        }
        for (t = t0; t < t1; t++) {
            int row = (t - t0) * span;
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
        }
        t = t0;
        if (tiled && headDim % KEY_TILE == 0) {
            for (; t + 4 <= t1; t += 4) {
                for (int d0 = 0; d0 < headDim; d0 += KEY_TILE) {
                    valueTile(p, (t - t0) * span, span, t + 4, v, kvOff + d0, kvDim, att, t * c.qDim() + h * headDim + d0, c.qDim());
                }
            }
        }
        for (; t < t1; t++) {
            Ops.weightedRows(p, (t - t0) * span, t + 1, v, kvOff, kvDim, t + 1, 0, att, t * c.qDim() + h * headDim, headDim);
        }
    }

    /**
     * Scores of 4 queries ({@code qs}, scaled, rows of {@code headDim}) against one key tile: {@code p[row r, j] =
     * sum_d qs[r,d] * kt[d, j]}, d in order, into rows {@code span} apart.
     */
    private static void scoreTile(float[] qs, int headDim, float[] kt, int k0, float[] p, int p0, int span) {
        int lanes = S.length();
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int d = 0; d < headDim; d++) {
            int at = k0 + d * KEY_TILE;
            FloatVector k0v = FloatVector.fromArray(S, kt, at), k1v = FloatVector.fromArray(S, kt, at + lanes),
                    k2v = FloatVector.fromArray(S, kt, at + 2 * lanes), k3v = FloatVector.fromArray(S, kt, at + 3 * lanes);
            FloatVector b = FloatVector.broadcast(S, qs[d]);
            a00 = k0v.fma(b, a00); a01 = k1v.fma(b, a01); a02 = k2v.fma(b, a02); a03 = k3v.fma(b, a03);
            b = FloatVector.broadcast(S, qs[headDim + d]);
            a10 = k0v.fma(b, a10); a11 = k1v.fma(b, a11); a12 = k2v.fma(b, a12); a13 = k3v.fma(b, a13);
            b = FloatVector.broadcast(S, qs[2 * headDim + d]);
            a20 = k0v.fma(b, a20); a21 = k1v.fma(b, a21); a22 = k2v.fma(b, a22); a23 = k3v.fma(b, a23);
            b = FloatVector.broadcast(S, qs[3 * headDim + d]);
            a30 = k0v.fma(b, a30); a31 = k1v.fma(b, a31); a32 = k2v.fma(b, a32); a33 = k3v.fma(b, a33);
        }
        store4(a00, a01, a02, a03, p, p0);
        store4(a10, a11, a12, a13, p, p0 + span);
        store4(a20, a21, a22, a23, p, p0 + 2 * span);
        store4(a30, a31, a32, a33, p, p0 + 3 * span);
    }

    /**
     * {@code att[row r, d0 ..+KEY_TILE) = sum_j p[row r, j] * v[j, vOff + ..]} for 4 queries over keys
     * {@code j < len} (the last query's; the others' weights past their own keys are zero).
     */
    private static void valueTile(float[] p, int p0, int span, int len, float[] v, int vOff, int stride, float[] att,
                                  int o0, int oStride) {
        int lanes = S.length();
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int j = 0; j < len; j++) {
            int at = j * stride + vOff;
            FloatVector v0 = FloatVector.fromArray(S, v, at), v1 = FloatVector.fromArray(S, v, at + lanes),
                    v2 = FloatVector.fromArray(S, v, at + 2 * lanes), v3 = FloatVector.fromArray(S, v, at + 3 * lanes);
            FloatVector b = FloatVector.broadcast(S, p[p0 + j]);
            a00 = v0.fma(b, a00); a01 = v1.fma(b, a01); a02 = v2.fma(b, a02); a03 = v3.fma(b, a03);
            b = FloatVector.broadcast(S, p[p0 + span + j]);
            a10 = v0.fma(b, a10); a11 = v1.fma(b, a11); a12 = v2.fma(b, a12); a13 = v3.fma(b, a13);
            b = FloatVector.broadcast(S, p[p0 + 2 * span + j]);
            a20 = v0.fma(b, a20); a21 = v1.fma(b, a21); a22 = v2.fma(b, a22); a23 = v3.fma(b, a23);
            b = FloatVector.broadcast(S, p[p0 + 3 * span + j]);
            a30 = v0.fma(b, a30); a31 = v1.fma(b, a31); a32 = v2.fma(b, a32); a33 = v3.fma(b, a33);
        }
        store4(a00, a01, a02, a03, att, o0);
        store4(a10, a11, a12, a13, att, o0 + oStride);
        store4(a20, a21, a22, a23, att, o0 + 2 * oStride);
        store4(a30, a31, a32, a33, att, o0 + 3 * oStride);
    }

    private static void store4(FloatVector a, FloatVector b, FloatVector c, FloatVector d, float[] dst, int at) {
        int lanes = S.length();
        a.intoArray(dst, at);
        b.intoArray(dst, at + lanes);
        c.intoArray(dst, at + 2 * lanes);
        d.intoArray(dst, at + 3 * lanes);
    }

    /** {@code y[yOff..+n) += a * x[xOff..+n)}, n a multiple of the vector length when vectors are on. */
    private static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        Ops.axpy(a, x, xOff, y, yOff, n);
    }

    /**
     * {@code s[off+j] = exp(s[off+j] - max)} for {@code j < len} with the vector {@link #exp}; returns their sum (lane
     * sums, then the tail in order: deterministic for a given {@code len}, whatever the cache layout).
     */
    static float expShifted(float[] s, int off, int len, float max) {
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

    /**
     * {@code gate = silu(gate) * up} over {@code n} values, with the vector {@link #exp} (calibration runs about
     * 25 million per layer of SmolLM2; {@code Math.exp} took 5% of a GPTQ run). {@code exp} wants arguments
     * {@code <= 0}, so {@code silu(g) = g / (1 + e)} for {@code g >= 0} and {@code g e / (1 + e)} below, with
     * {@code e = exp(-|g|)}.
     */
    public static void swiglu(float[] gate, float[] up, int n) {
        int i = 0;
        if (VectorSupport.enabled()) {
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector g = FloatVector.fromArray(S, gate, i);
                FloatVector e = exp(g.abs().neg());
                FloatVector num = g.blend(g.mul(e), g.compare(VectorOperators.LT, 0f));
                num.div(e.add(1f)).mul(FloatVector.fromArray(S, up, i)).intoArray(gate, i);
            }
        }
        for (; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** {@code acc += add} over {@code n} values. */
    public static void addInPlace(float[] acc, float[] add, int n) {
        Ops.addInPlace(acc, add, n);
    }
}
