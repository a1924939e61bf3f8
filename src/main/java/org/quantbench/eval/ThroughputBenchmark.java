package org.quantbench.eval;

import org.quantbench.engine.BatchedStreams;
import org.quantbench.engine.LlamaModel;
import org.quantbench.engine.Sampler;
import org.quantbench.tensor.ComputePool;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Prefill tokens/s (one forward over a prompt of seeded random token ids per stream) and decode tokens/s (greedy
 * steps after it, all streams batched through the GEMM path), timed separately; warm-up runs first, then the median
 * of the repeats.
 */
public final class ThroughputBenchmark {
    private final LlamaModel model;
    private final ComputePool pool;

    public ThroughputBenchmark(LlamaModel model, ComputePool pool) {
        this.model = model;
        this.pool = pool;
    }

    /**
     * @param streams sequences decoded together; each gets its own seeded random prompt of {@code promptTokens}
     */
    public ThroughputResult run(int promptTokens, int genTokens, int streams, int warmup, int repeats, long seed) {
        if (promptTokens < 1 || genTokens < 0 || repeats < 1 || warmup < 0 || streams < 1) {
            throw new IllegalArgumentException("need prompt >= 1, gen >= 0, streams >= 1, repeats >= 1, warm-up >= 0");
        }
        int capacity = promptTokens + genTokens;
        if (capacity > model.config().maxSeqLen()) {
            throw new IllegalArgumentException(capacity + " tokens exceed the model's context of " + model.config().maxSeqLen());
        }
        int vocab = model.config().vocabSize();
        SplittableRandom random = new SplittableRandom(seed);
        int[][] prompts = new int[streams][];
        for (int s = 0; s < streams; s++) {
            prompts[s] = random.ints(promptTokens, 0, vocab).toArray();
        }
        BatchedStreams batch = new BatchedStreams(model, streams, capacity, Math.min(promptTokens, 512), pool);
        double[] prefill = new double[repeats];
        double[] decode = new double[repeats];
        int[] next = new int[streams];
        for (int run = -warmup; run < repeats; run++) {
            batch.reset();
            long t0 = System.nanoTime();
            for (int s = 0; s < streams; s++) {
                next[s] = Sampler.argmax(batch.prefill(s, prompts[s]));
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < genTokens; i++) {
                batch.step(next, (s, logits, off) -> next[s] = argmax(logits, off, vocab));
            }
            long t2 = System.nanoTime();
            if (run >= 0) {
                prefill[run] = (double) streams * promptTokens / ((t1 - t0) / 1e9);
                decode[run] = genTokens == 0 ? 0 : (double) streams * genTokens / ((t2 - t1) / 1e9);
            }
        }
        Arrays.sort(prefill);
        Arrays.sort(decode);
        return new ThroughputResult(promptTokens, genTokens, streams, pool.threads(), repeats,
                median(prefill), prefill[0], prefill[repeats - 1], median(decode), decode[0], decode[repeats - 1]);
    }

    private static int argmax(float[] logits, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[off + i] > logits[off + best]) {
                best = i;
            }
        }
        return best;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
