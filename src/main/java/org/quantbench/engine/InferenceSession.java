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
    private final int capacity;
    private final KvCache[] blockCaches;
    private final int[] blockPositions;
    private final int[] blockSlots;
    private final int[] blockGaps;
    private int position;
    private long tokensRun;

    /**
     * Forward-step size for scoring text: a weight tile widened once serves this many tokens, and the logits buffer is
     * this many rows of the vocabulary (50 MB at SmolLM2's 49,152).
     */
    public static final int SCORING_BLOCK = 256;

    /**
     * @param capacity positions the KV cache holds (at most the model's context)
     * @param maxBlock tokens processed together in one forward step
     */
    public InferenceSession(LlamaModel model, int capacity, int maxBlock, ComputePool pool) {
        this(model, capacity, 0, maxBlock, pool);
    }

    /**
     * @param branchSlots cache slots beyond {@code capacity} for the branches of {@link #forwardBranches} (they sit
     *                    side by side after the trunk)
     */
    public InferenceSession(LlamaModel model, int capacity, int branchSlots, int maxBlock, ComputePool pool) {
        if (capacity < 1 || maxBlock < 1 || branchSlots < 0) {
            throw new IllegalArgumentException("capacity and block size must be positive");
        }
        ModelConfig c = model.config();
        int block = Math.min(maxBlock, capacity + branchSlots);
        this.capacity = capacity;
        this.pass = new ForwardPass(model, capacity, block, pool);
        this.cache = new KvCache(c.nLayers(), Math.addExact(capacity, branchSlots), c.kvDim());
        this.blockCaches = new KvCache[block];
        Arrays.fill(blockCaches, cache);
        this.blockPositions = new int[block];
        this.blockSlots = new int[block];
        this.blockGaps = new int[block];
    }

    public LlamaModel model() { return pass.model(); }

    public int position() { return position; }

    /** Positions a sequence may reach (the model's window for this session). */
    public int capacity() { return capacity; }

    /** Tokens one forward step runs: a {@link #forward} of at most this many hands the sink one block of logits. */
    public int maxBlock() { return pass.maxTokens(); }

    /** The threads the forward pass runs on, for work on its logits. */
    public ComputePool pool() { return pass.pool(); }

    /** Cache slots, trunk and branches together, that one {@link #forwardBranches} step may fill. */
    public int slots() { return cache.capacity; }

    /** Whether {@link #forwardBranches} can run: branched attention is exact arithmetic only. */
    public boolean branches() { return model().numerics() == Numerics.EXACT; }

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

    /**
     * One step for several sequences that share a trunk: runs {@code trunk[position .. trunk.length)} and then each
     * branch, as if it followed the trunk, every branch seeing the trunk and its own earlier tokens only. Rows are
     * numbered trunk tokens first, then the branches in order; logits of rows {@code >= logitsFrom} go to the sink.
     * The logits equal those of running trunk + branch as one sequence. Afterwards the session holds the trunk.
     */
    public void forwardBranches(int[] trunk, int[][] branches, int logitsFrom, LogitsSink sink) {
        if (!branches()) {
            throw new IllegalStateException("branched steps need exact numerics");
        }
        int base = trunk.length;
        int rows = base - position;
        for (int[] b : branches) {
            if (base + b.length > capacity) {
                throw new IllegalArgumentException("sequence of " + (base + b.length) + " tokens exceeds the context of "
                        + capacity);
            }
            rows += b.length;
        }
        if (rows < 0 || position + rows > cache.capacity) {
            throw new IllegalArgumentException("trunk of " + base + " tokens from position " + position + " and "
                    + branches.length + " branches do not fit the " + cache.capacity + " slots");
        }
        int[] tokens = new int[rows];
        int[] positions = new int[rows];
        int[] gaps = new int[rows];
        int row = 0;
        for (int p = position; p < base; p++, row++) {
            tokens[row] = trunk[p];
            positions[row] = p;
            gaps[row] = base;
        }
        for (int[] b : branches) {
            for (int i = 0; i < b.length; i++, row++) {
                tokens[row] = b[i];
                positions[row] = base + i;
                gaps[row] = base;
            }
        }
        int vocab = model().config().vocabSize();
        int start = position;
        for (int done = 0; done < rows; ) {
            int block = Math.min(pass.maxTokens(), rows - done);
            for (int t = 0; t < block; t++) {
                blockPositions[t] = positions[done + t];
                blockSlots[t] = start + done + t;
                blockGaps[t] = gaps[done + t];
            }
            int from = Math.clamp(logitsFrom - done, 0, block);
            pass.run(tokens, done, block, blockCaches, blockPositions, blockSlots, blockGaps, from, block);
            tokensRun += block;
            for (int t = from; t < block; t++) {
                sink.accept(done + t, pass.logits, (t - from) * vocab);
            }
            done += block;
        }
        position = base;
    }

    private void forward(int[] tokens, int off, int n, LogitsSink sink, boolean allLogits) {
        if (position + n > capacity) {
            throw new IllegalArgumentException("sequence of " + (position + n) + " tokens exceeds the context of "
                    + capacity);
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
