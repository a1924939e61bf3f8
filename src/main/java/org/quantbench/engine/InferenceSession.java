package org.quantbench.engine;

import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;

/**
 * One sequence being run through a {@link LlamaModel}: its KV cache, its position and the scratch buffers of the
 * forward pass. Tokens are processed in blocks (prefill runs the GEMM path, one token the GEMV path); every
 * output is computed in a fixed order, so logits do not depend on the block size or on the thread count.
 * Not thread-safe: one session per stream.
 */
public final class InferenceSession {
    private final LlamaModel model;
    private final ModelConfig c;
    private final ComputePool pool;
    private final KvCache cache;
    private final RopeTable rope;
    private final int maxBlock;
    private int position;

    private final float[] x;
    private final float[] xb;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] att;
    private final float[] hb;
    private final float[] hb2;
    private final float[] logits;
    private final ThreadLocal<float[]> scores;

    /**
     * @param capacity positions the KV cache holds (at most the model's context)
     * @param maxBlock tokens processed together in one forward step
     */
    public InferenceSession(LlamaModel model, int capacity, int maxBlock, ComputePool pool) {
        this.model = model;
        this.c = model.config();
        this.pool = pool;
        if (capacity < 1 || maxBlock < 1) {
            throw new IllegalArgumentException("capacity and block size must be positive");
        }
        this.cache = new KvCache(c.nLayers(), capacity, c.kvDim());
        this.rope = new RopeTable(c, capacity);
        this.maxBlock = Math.min(maxBlock, capacity);
        int t = this.maxBlock;
        x = new float[t * c.dim()];
        xb = new float[t * c.dim()];
        q = new float[t * c.qDim()];
        k = new float[t * c.kvDim()];
        v = new float[t * c.kvDim()];
        att = new float[t * c.qDim()];
        hb = new float[t * c.hiddenDim()];
        hb2 = new float[t * c.hiddenDim()];
        logits = new float[Math.multiplyExact(t, c.vocabSize())];
        scores = ThreadLocal.withInitial(() -> new float[capacity]);
    }

    public LlamaModel model() { return model; }

    public int position() { return position; }

    public int capacity() { return cache.capacity; }

    /** Forgets every position at or after {@code pos}, so a shared prefix is kept and the rest recomputed. */
    public void rewind(int pos) {
        if (pos < 0 || pos > position) {
            throw new IllegalArgumentException("cannot rewind to " + pos + " from " + position);
        }
        position = pos;
    }

    /** Runs {@code tokens[off .. off+n)} after the current position; logits of each token go to {@code sink}. */
    public void forward(int[] tokens, int off, int n, LogitsSink sink) {
        forward(tokens, off, n, sink, true);
    }

    /** Runs the tokens and returns the logits after the last one (a view valid until the next call). */
    public float[] forwardLast(int[] tokens, int off, int n) {
        float[][] last = new float[1][];
        forward(tokens, off, n, (i, l, o) -> {
            if (i == n - 1) {
                last[0] = java.util.Arrays.copyOfRange(l, o, o + c.vocabSize());
            }
        }, false);
        return last[0];
    }

    private void forward(int[] tokens, int off, int n, LogitsSink sink, boolean allLogits) {
        if (position + n > cache.capacity) {
            throw new IllegalArgumentException("sequence of " + (position + n) + " tokens exceeds the context of "
                    + cache.capacity);
        }
        for (int done = 0; done < n; ) {
            int block = Math.min(maxBlock, n - done);
            boolean lastBlock = done + block == n;
            int from = allLogits ? 0 : (lastBlock ? block - 1 : block);
            runBlock(tokens, off + done, block, from);
            for (int t = from; t < block; t++) {
                sink.accept(done + t, logits, (t - from) * c.vocabSize());
            }
            done += block;
        }
    }

    /** One forward step over {@code n <= maxBlock} tokens; logits for tokens [logitsFrom, n). */
    private void runBlock(int[] tokens, int off, int n, int logitsFrom) {
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
            Ops.rmsNorm(x, layer.attnNorm(), xb, n, dim, c.normEps());
            layer.wq().forward(xb, q, n, pool);
            layer.wk().forward(xb, k, n, pool);
            layer.wv().forward(xb, v, n, pool);
            if (layer.qBias() != null) {
                Ops.addBias(q, layer.qBias(), n);
                Ops.addBias(k, layer.kBias(), n);
                Ops.addBias(v, layer.vBias(), n);
            }
            for (int t = 0; t < n; t++) {
                rope.rotate(q, t * c.qDim(), c.nHeads(), position + t);
                rope.rotate(k, t * c.kvDim(), c.nKvHeads(), position + t);
            }
            System.arraycopy(k, 0, cache.keys[l], position * c.kvDim(), n * c.kvDim());
            System.arraycopy(v, 0, cache.values[l], position * c.kvDim(), n * c.kvDim());
            attention(l, n);
            layer.wo().forward(att, xb, n, pool);
            Ops.addInPlace(x, xb, n * dim);
            Ops.rmsNorm(x, layer.ffnNorm(), xb, n, dim, c.normEps());
            layer.gate().forward(xb, hb, n, pool);
            layer.up().forward(xb, hb2, n, pool);
            Ops.swiglu(hb, hb2, n * c.hiddenDim());
            layer.down().forward(hb, xb, n, pool);
            Ops.addInPlace(x, xb, n * dim);
        }
        position += n;
        int m = n - logitsFrom;
        if (m > 0) {
            Ops.rmsNorm(x, logitsFrom * dim, model.outputNorm(), xb, m, dim, c.normEps());
            model.output().forward(xb, logits, m, pool);
        }
    }

    /** Causal GQA attention of the n new tokens over the cache; one task per (token, head). */
    private void attention(int layer, int n) {
        int heads = c.nHeads();
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int group = heads / c.nKvHeads();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] keys = cache.keys[layer];
        float[] values = cache.values[layer];
        int start = position;
        pool.forEach(n * heads, 2L * headDim * (start + n), task -> {
            int t = task / heads;
            int h = task % heads;
            int qOff = t * c.qDim() + h * headDim;
            int kvOff = (h / group) * headDim;
            int len = start + t + 1;
            float[] s = scores.get();
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                float score = MatmulKernels.dot(q, qOff, keys, j * kvDim + kvOff, headDim) * scale;
                s[j] = score;
                max = Math.max(max, score);
            }
            float sum = 0f;
            for (int j = 0; j < len; j++) {
                float e = (float) Math.exp(s[j] - max);
                s[j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            int outOff = t * c.qDim() + h * headDim;
            java.util.Arrays.fill(att, outOff, outOff + headDim, 0f);
            for (int j = 0; j < len; j++) {
                Ops.axpy(s[j] * inv, values, j * kvDim + kvOff, att, outOff, headDim);
            }
        });
    }
}
