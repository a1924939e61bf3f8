package org.quantbench.engine;

import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;

/**
 * The Llama forward step over a block of tokens, each with its own KV cache and position: the tokens of one
 * sequence (one cache, consecutive positions: prefill) or one token of each of several streams (batched decode).
 * The linears see the whole block as one GEMM; attention runs per (token, head). Holds the scratch buffers, so one
 * pass serves one caller at a time.
 */
final class ForwardPass {
    private final LlamaModel model;
    private final ModelConfig c;
    private final ComputePool pool;
    private final RopeTable rope;
    private final int maxTokens;

    private final float[] x;
    private final float[] xb;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] att;
    private final float[] hb;
    private final float[] hb2;
    final float[] logits;
    private final ThreadLocal<float[]> scores;
    /** Scratch of the F16 cache's attention (llama.cpp's arithmetic). */
    private final ThreadLocal<float[]> lanes16 = ThreadLocal.withInitial(() -> new float[64]);

    ForwardPass(LlamaModel model, int positions, int maxTokens, ComputePool pool) {
        this.model = model;
        this.c = model.config();
        this.pool = pool;
        this.maxTokens = maxTokens;
        this.rope = new RopeTable(c, positions, model.numerics());
        x = new float[maxTokens * c.dim()];
        xb = new float[maxTokens * c.dim()];
        q = new float[maxTokens * c.qDim()];
        k = new float[maxTokens * c.kvDim()];
        v = new float[maxTokens * c.kvDim()];
        att = new float[maxTokens * c.qDim()];
        hb = new float[maxTokens * c.hiddenDim()];
        hb2 = new float[maxTokens * c.hiddenDim()];
        logits = new float[Math.multiplyExact(maxTokens, c.vocabSize())];
        scores = ThreadLocal.withInitial(() -> new float[Math.max(positions, Math.max(LlamaCppAttention.TILE, c.headDim()))]);
    }

    LlamaModel model() { return model; }

    int maxTokens() { return maxTokens; }

    ComputePool pool() { return pool; }

    /**
     * Runs {@code tokens[off .. off+n)}; token t goes to {@code caches[t]} at {@code positions[t]} and attends to
     * that cache's positions up to its own. Logits of tokens [logitsFrom, n) land in {@link #logits}, one row each.
     */
    void run(int[] tokens, int off, int n, KvCache[] caches, int[] positions, int logitsFrom) {
        run(tokens, off, n, caches, positions, logitsFrom, n);
    }

    /**
     * As above, as one part of a forward call of {@code callTokens} tokens: llama.cpp takes a whole call (up to its
     * batch size) as one step, and its attention arithmetic depends on that step's size ({@link Numerics#LLAMA_CPP}).
     */
    void run(int[] tokens, int off, int n, KvCache[] caches, int[] positions, int logitsFrom, int callTokens) {
        run(tokens, off, n, caches, positions, positions, null, logitsFrom, callTokens);
    }

    /**
     * As above, with each token's cache slot apart from its position, for branches that share a trunk (the choices of
     * an item after their common context): token t is stored at {@code slots[t]}, rotated for {@code positions[t]},
     * and attends to slots {@code [0, slots[t]]} less the gap {@code [gapStarts[t], gapStarts[t] + slots[t] -
     * positions[t])} that holds other branches. Its scores and weights then run over exactly the keys and values, in
     * the same order, that it would see with its branch stored right after the trunk. {@code gapStarts} null: no gaps.
     * Exact numerics only (llama.cpp's attention reads contiguous keys).
     */
    void run(int[] tokens, int off, int n, KvCache[] caches, int[] positions, int[] slots, int[] gapStarts,
             int logitsFrom, int callTokens) {
        if (gapStarts != null && model.numerics() == Numerics.LLAMA_CPP) {
            throw new IllegalStateException("branched steps need exact numerics");
        }
        int dim = c.dim();
        for (int t = 0; t < n; t++) {
            int id = tokens[off + t];
            if (id < 0 || id >= model.embedding().rows()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + model.embedding().rows());
            }
            model.embedding().readRow(id, x, t * dim);
        }
        for (int l = 0; l < c.nLayers(); l++) {
            LlamaModel.Layer layer = model.layer(l);
            rmsNorm(layer.attnNorm(), 0, n);
            layer.wq().forward(xb, q, n, pool);
            layer.wk().forward(xb, k, n, pool);
            layer.wv().forward(xb, v, n, pool);
            if (layer.qBias() != null) {
                Ops.addBias(q, layer.qBias(), n);
                Ops.addBias(k, layer.kBias(), n);
                Ops.addBias(v, layer.vBias(), n);
            }
            for (int t = 0; t < n; t++) {
                rope.rotate(q, t * c.qDim(), c.nHeads(), positions[t]);
                rope.rotate(k, t * c.kvDim(), c.nKvHeads(), positions[t]);
                store(k, t * c.kvDim(), caches[t].keys[l], KvCache.BASE + slots[t] * c.kvDim());
                store(v, t * c.kvDim(), caches[t].values[l], KvCache.BASE + slots[t] * c.kvDim());
            }
            attention(l, n, caches, positions, slots, gapStarts, LlamaCppAttention.tiledFor(callTokens));
            layer.wo().forward(att, xb, n, pool);
            addResidual(n);
            rmsNorm(layer.ffnNorm(), 0, n);
            layer.gate().forward(xb, hb, n, pool);
            layer.up().forward(xb, hb2, n, pool);
            int hidden = c.hiddenDim();
            // element-wise steps on token ranges: tokens are independent, so the split does not change a result
            pool.forRanges(n, 8L * hidden, (t0, t1) -> Ops.swiglu(hb, hb2, t0 * hidden, t1 * hidden));
            layer.down().forward(hb, xb, n, pool);
            addResidual(n);
        }
        int m = n - logitsFrom;
        if (m > 0) {
            rmsNorm(model.outputNorm(), logitsFrom, m);
            model.output().forward(xb, logits, m, pool);
        }
    }

    /** {@code xb} rows 0..n = the normed rows {@code from .. from+n} of {@code x}. */
    private void rmsNorm(float[] weight, int from, int n) {
        int dim = c.dim();
        pool.forRanges(n, 3L * dim, (t0, t1) -> Ops.rmsNorm(x, (from + t0) * dim, weight, xb, t0 * dim, t1 - t0, dim,
                c.normEps(), model.numerics()));
    }

    /** {@code x += xb} over n token rows. */
    private void addResidual(int n) {
        int dim = c.dim();
        pool.forRanges(n, dim, (t0, t1) -> Ops.addInPlace(x, xb, t0 * dim, t1 * dim));
    }

    private void store(float[] src, int srcOff, float[] cache, int cacheOff) {
        int n = c.kvDim();
        if (model.numerics() == Numerics.LLAMA_CPP) {
            for (int i = 0; i < n; i++) {
                cache[cacheOff + i] = Float.float16ToFloat(Float.floatToFloat16(src[srcOff + i]));
            }
        } else {
            System.arraycopy(src, srcOff, cache, cacheOff, n);
        }
    }

    /** Causal GQA attention of each token over its cache; one task per (token, head). */
    private void attention(int layer, int n, KvCache[] caches, int[] positions, int[] slots, int[] gapStarts,
                           boolean tiled) {
        int heads = c.nHeads();
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int group = heads / c.nKvHeads();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int longest = 0;
        for (int t = 0; t < n; t++) {
            longest = Math.max(longest, positions[t] + 1);
        }
        pool.forEach(n * heads, 2L * headDim * longest, task -> {
            int t = task / heads;
            int h = task % heads;
            float[] keys = caches[t].keys[layer];
            float[] values = caches[t].values[layer];
            int qOff = t * c.qDim() + h * headDim;
            int kvOff = KvCache.BASE + (h / group) * headDim;
            int len = positions[t] + 1;
            int gapStart = gapStarts == null ? len : gapStarts[t];
            int gap = slots[t] - positions[t];
            float[] s = scores.get();
            if (model.numerics() == Numerics.LLAMA_CPP) {
                float[] lanes = lanes16.get();
                if (tiled) {
                    LlamaCppAttention.tiled(q, qOff, keys, values, kvOff, kvDim, headDim, len, scale, att, qOff, s, lanes);
                } else {
                    LlamaCppAttention.oneByOne(q, qOff, keys, values, kvOff, kvDim, headDim, len, scale, att, qOff,
                            s, lanes);
                }
                return;
            }
            float max = Float.NEGATIVE_INFINITY;
            int j = 0;
            // four keys per call: independent FMA chains, each key's dot bit for bit the single dot's
            for (; j + 4 <= len; j += 4) {
                MatmulKernels.dot4(q, qOff, keys, Ops.slot(j, gapStart, gap) * kvDim + kvOff,
                        Ops.slot(j + 1, gapStart, gap) * kvDim + kvOff, Ops.slot(j + 2, gapStart, gap) * kvDim + kvOff,
                        Ops.slot(j + 3, gapStart, gap) * kvDim + kvOff, headDim, s, j);
                for (int r = j; r < j + 4; r++) {
                    s[r] *= scale;
                    max = Math.max(max, s[r]);
                }
            }
            for (; j < len; j++) {
                float score = MatmulKernels.dot(q, qOff, keys, Ops.slot(j, gapStart, gap) * kvDim + kvOff, headDim) * scale;
                s[j] = score;
                max = Math.max(max, score);
            }
            float inv = 1f / LayerSteps.expShifted(s, 0, len, max);
            for (j = 0; j < len; j++) {
                s[j] *= inv;
            }
            Ops.weightedRows(s, 0, len, values, kvOff, kvDim, gapStart, gap, att, qOff, headDim);
        });
    }
}
