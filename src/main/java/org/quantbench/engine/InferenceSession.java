package org.quantbench.engine;

import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.ComputePool;

import java.util.Arrays;

/**
 * One sequence being run through a {@link LlamaModel}: its KV cache, its position and the scratch buffers of the
 * forward pass. Tokens are processed in blocks (prefill runs the GEMM path, one token the GEMV path); every
 * output is computed in a fixed order, so logits do not depend on the block size or on the thread count.
 * Not thread-safe: one session per stream.
 */
public final class InferenceSession {
    private final ForwardPass pass;
    private final KvCache cache;
    private final KvCache[] blockCaches;
    private final int[] blockPositions;
    private int position;
    private long tokensRun;

    /**
     * @param capacity positions the KV cache holds (at most the model's context)
     * @param maxBlock tokens processed together in one forward step
     */
    public InferenceSession(LlamaModel model, int capacity, int maxBlock, ComputePool pool) {
        if (capacity < 1 || maxBlock < 1) {
            throw new IllegalArgumentException("capacity and block size must be positive");
        }
        ModelConfig c = model.config();
        int block = Math.min(maxBlock, capacity);
        this.pass = new ForwardPass(model, capacity, block, pool);
        this.cache = new KvCache(c.nLayers(), capacity, c.kvDim());
        this.blockCaches = new KvCache[block];
        Arrays.fill(blockCaches, cache);
        this.blockPositions = new int[block];
    }

    public LlamaModel model() { return pass.model(); }

    public int position() { return position; }

    public int capacity() { return cache.capacity; }

    /** Tokens run through the model since the session was made (what a benchmark divides its time by). */
    public long tokensRun() { return tokensRun; }

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

    /** Runs the tokens and returns (a copy of) the logits after the last one. */
    public float[] forwardLast(int[] tokens, int off, int n) {
        float[][] last = new float[1][];
        forward(tokens, off, n, (i, l, o) -> {
            if (i == n - 1) {
                last[0] = Arrays.copyOfRange(l, o, o + model().config().vocabSize());
            }
        }, false);
        return last[0];
    }

    private void forward(int[] tokens, int off, int n, LogitsSink sink, boolean allLogits) {
        if (position + n > cache.capacity) {
            throw new IllegalArgumentException("sequence of " + (position + n) + " tokens exceeds the context of "
                    + cache.capacity);
        }
        int vocab = model().config().vocabSize();
        for (int done = 0; done < n; ) {
            int block = Math.min(pass.maxTokens(), n - done);
            boolean lastBlock = done + block == n;
            int from = allLogits ? 0 : (lastBlock ? block - 1 : block);
            for (int t = 0; t < block; t++) {
                blockPositions[t] = position + t;
            }
            pass.run(tokens, off + done, block, blockCaches, blockPositions, from, n);
            position += block;
            tokensRun += block;
            for (int t = from; t < block; t++) {
                sink.accept(done + t, pass.logits, (t - from) * vocab);
            }
            done += block;
        }
    }
}
