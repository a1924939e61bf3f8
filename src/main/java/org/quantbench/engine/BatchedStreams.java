package org.quantbench.engine;

import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.ComputePool;

import java.util.Arrays;

/**
 * Several independent sequences decoded together: each step feeds one token per stream through the linears as one
 * GEMM (the weights are read once for all streams), while each stream attends only to its own KV cache. Prompts
 * are prefilled one stream at a time in blocks. Not thread-safe.
 */
public final class BatchedStreams {
    private final ForwardPass pass;
    private final KvCache[] caches;
    private final int[] positions;
    private final KvCache[] blockCaches;
    private final int[] blockPositions;

    public BatchedStreams(LlamaModel model, int streams, int capacity, int maxBlock, ComputePool pool) {
        if (streams < 1 || capacity < 1 || maxBlock < 1) {
            throw new IllegalArgumentException("streams, capacity and block size must be positive");
        }
        ModelConfig c = model.config();
        int block = Math.max(streams, Math.min(maxBlock, capacity));
        this.pass = new ForwardPass(model, capacity, block, pool);
        this.caches = new KvCache[streams];
        for (int s = 0; s < streams; s++) {
            caches[s] = new KvCache(c.nLayers(), capacity, c.kvDim());
        }
        this.positions = new int[streams];
        this.blockCaches = new KvCache[block];
        this.blockPositions = new int[block];
    }

    public int streams() { return caches.length; }

    public int position(int stream) { return positions[stream]; }

    /** Forgets every stream's tokens. */
    public void reset() {
        Arrays.fill(positions, 0);
    }

    /** Runs a prompt on one stream; returns a copy of the logits after its last token. */
    public float[] prefill(int stream, int[] tokens) {
        if (positions[stream] + tokens.length > caches[stream].capacity) {
            throw new IllegalArgumentException("stream " + stream + " would exceed its context of " + caches[stream].capacity);
        }
        int vocab = pass.model().config().vocabSize();
        float[] last = null;
        for (int done = 0; done < tokens.length; ) {
            int n = Math.min(pass.maxTokens(), tokens.length - done);
            for (int t = 0; t < n; t++) {
                blockCaches[t] = caches[stream];
                blockPositions[t] = positions[stream] + t;
            }
            boolean lastBlock = done + n == tokens.length;
            pass.run(tokens, done, n, blockCaches, blockPositions, lastBlock ? n - 1 : n);
            positions[stream] += n;
            done += n;
            if (lastBlock) {
                last = Arrays.copyOf(pass.logits, vocab);
            }
        }
        return last;
    }

    /** One decode step: {@code tokens[s]} is appended to stream s; its next-token logits go to the sink as index s. */
    public void step(int[] tokens, LogitsSink sink) {
        int n = caches.length;
        if (tokens.length != n) {
            throw new IllegalArgumentException("need one token per stream: " + n + ", got " + tokens.length);
        }
        for (int s = 0; s < n; s++) {
            if (positions[s] + 1 > caches[s].capacity) {
                throw new IllegalArgumentException("stream " + s + " is full at " + positions[s] + " tokens");
            }
            blockCaches[s] = caches[s];
            blockPositions[s] = positions[s];
        }
        pass.run(tokens, 0, n, blockCaches, blockPositions, 0);
        int vocab = pass.model().config().vocabSize();
        for (int s = 0; s < n; s++) {
            positions[s]++;
            sink.accept(s, pass.logits, s * vocab);
        }
    }
}
