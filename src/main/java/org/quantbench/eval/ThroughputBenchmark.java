package org.quantbench.eval;

import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.engine.Sampler;
import org.quantbench.tensor.ComputePool;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Prefill tokens/s (one forward over a prompt of seeded random token ids) and decode tokens/s (greedy steps after
 * it), timed separately; warm-up runs first, then the median of the repeats.
 */
public final class ThroughputBenchmark {
    private final LlamaModel model;
    private final ComputePool pool;

    public ThroughputBenchmark(LlamaModel model, ComputePool pool) {
        this.model = model;
        this.pool = pool;
    }

    public ThroughputResult run(int promptTokens, int genTokens, int warmup, int repeats, long seed) {
        if (promptTokens < 1 || genTokens < 0 || repeats < 1 || warmup < 0) {
            throw new IllegalArgumentException("need prompt >= 1, gen >= 0, repeats >= 1, warm-up >= 0");
        }
        int capacity = promptTokens + genTokens;
        if (capacity > model.config().maxSeqLen()) {
            throw new IllegalArgumentException(capacity + " tokens exceed the model's context of " + model.config().maxSeqLen());
        }
        int vocab = model.config().vocabSize();
        int[] prompt = new SplittableRandom(seed).ints(promptTokens, 0, vocab).toArray();
        InferenceSession session = new InferenceSession(model, capacity, Math.min(promptTokens, 512), pool);
        double[] prefill = new double[repeats];
        double[] decode = new double[repeats];
        for (int run = -warmup; run < repeats; run++) {
            session.rewind(0);
            long t0 = System.nanoTime();
            float[] logits = session.forwardLast(prompt, 0, promptTokens);
            long t1 = System.nanoTime();
            int[] one = new int[1];
            for (int i = 0; i < genTokens; i++) {
                one[0] = Sampler.argmax(logits);
                logits = session.forwardLast(one, 0, 1);
            }
            long t2 = System.nanoTime();
            if (run >= 0) {
                prefill[run] = promptTokens / ((t1 - t0) / 1e9);
                decode[run] = genTokens == 0 ? 0 : genTokens / ((t2 - t1) / 1e9);
            }
        }
        Arrays.sort(prefill);
        Arrays.sort(decode);
        return new ThroughputResult(promptTokens, genTokens, pool.threads(), repeats,
                median(prefill), prefill[0], prefill[repeats - 1], median(decode), decode[0], decode[repeats - 1]);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
