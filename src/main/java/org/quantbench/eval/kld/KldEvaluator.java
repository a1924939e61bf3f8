package org.quantbench.eval.kld;

import org.quantbench.engine.InferenceSession;
import org.quantbench.eval.LogProbs;
import org.quantbench.eval.PerplexityResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * KL divergence of a model from the base model on the scored tokens of a perplexity definition. The base pass
 * stores each token's top-{@value #TOP_K} log-probabilities and the log of the remaining mass ({@link BaseLogitsFile});
 * the compared model's full logits are reduced to the same tokens + rest bucket and compared.
 */
public final class KldEvaluator {
    public static final int TOP_K = 32;

    private KldEvaluator() {}

    /** Receives the logits predicting scored token {@code index} (counted over all windows), whose id is {@code target}. */
    @FunctionalInterface
    private interface ScoredSink {
        void accept(long index, int target, float[] logits, int off) throws IOException;
    }

    /** Runs the base model over the windows and writes its top-k distributions to {@code file}, atomically. */
    public static void writeBase(InferenceSession base, TokenWindows windows, String key, Path file) {
        int vocab = base.model().config().vocabSize();
        int k = Math.min(TOP_K, vocab);
        float[] logProbs = new float[k];
        boolean[] scratch = new boolean[vocab];
        BaseLogitsFile.Writer.write(file, key, k, vocab, windows.scoredTokens(), out -> run(base, windows, done -> { }, (index, target, logits, off) -> {
            int[] ids = TopLogits.topK(logits, off, vocab, k);
            float rest = TopLogits.summarize(logits, off, vocab, ids, logProbs, scratch);
            out.record(target, rest, LogProbs.of(logits, off, vocab, target), ids, logProbs);
        }));
    }

    /** Compares {@code session}'s model with the base distributions read from {@code base}. */
    public static KldResult compare(InferenceSession session, TokenWindows windows, BaseLogitsFile base) {
        return compare(session, windows, base, done -> { });
    }

    /**
     * @param windowDone told the count of windows compared so far after each one; it may throw (e.g. a
     *                   {@link java.util.concurrent.CancellationException}) to stop between windows
     */
    public static KldResult compare(InferenceSession session, TokenWindows windows, BaseLogitsFile base,
                                    java.util.function.IntConsumer windowDone) {
        int vocab = session.model().config().vocabSize();
        int k = base.k();
        long n = windows.scoredTokens();
        if (n == 0) {
            throw new IllegalArgumentException("the text gives no tokens to score under " + windows.definition().describe());
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " scored tokens is more than one comparison holds");
        }
        double[] kls = new double[(int) n];
        int[] ids = new int[k];
        float[] logP = new float[k];
        float[] logQ = new float[k];
        float[] restP = new float[1];
        double[] baseTarget = new double[1];
        boolean[] scratch = new boolean[vocab];
        long[] agree = {0};
        double[] nllDiff = {0};
        double[] nllBase = {0};
        double[] nllModel = {0};
        double[] windowNll = {0};
        try {
            run(session, windows, done -> {
                nllModel[0] += windowNll[0];
                windowNll[0] = 0;
                windowDone.accept(done);
            }, (index, target, logits, off) -> {
                base.read(index, target, ids, logP, restP, baseTarget);
                float restQ = TopLogits.summarize(logits, off, vocab, ids, logQ, scratch);
                kls[(int) index] = TopLogits.kl(logP, restP[0], logQ, restQ);
                if (TopLogits.argmax(logits, off, vocab) == ids[0]) {
                    agree[0]++;
                }
                double model = LogProbs.of(logits, off, vocab, target);
                windowNll[0] -= model;
                nllDiff[0] += baseTarget[0] - model;
                nllBase[0] -= baseTarget[0];
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double mean = 0;
        for (double v : kls) {
            mean += v;
        }
        mean /= n;
        double ss = 0;
        for (double v : kls) {
            ss += (v - mean) * (v - mean);
        }
        double[] sorted = kls.clone();
        Arrays.sort(sorted);
        int m = sorted.length;
        double median = m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
        double p99 = sorted[(int) Math.ceil(0.99 * m) - 1];
        double lnRatio = nllDiff[0] / n;
        double pplBase = Math.exp(nllBase[0] / n);
        double meanModel = nllModel[0] / n;
        PerplexityResult own = new PerplexityResult(Math.exp(meanModel), meanModel, n, windows.windows().size(),
                windows.documents().size(), windows.definition());
        return new KldResult(mean, m > 1 ? Math.sqrt(ss / (m - 1) / m) : Double.NaN, median, p99, sorted[m - 1],
                100.0 * agree[0] / n, lnRatio, pplBase, pplBase * Math.exp(lnRatio), n, windows.windows().size(), k,
                describe(windows, k), own);
    }

    public static String describe(TokenWindows windows, int k) {
        return "KL(P_base || P_model) per scored token, natural log, over the base's top " + k
                + " tokens plus one bucket for the rest (a lower bound of the full KL); tokens and windows of "
                + windows.definition().describe() + "; top-1 agreement = same argmax; ln(PPL_model/PPL_base) on the same tokens";
    }

    private static void run(InferenceSession session, TokenWindows windows, java.util.function.IntConsumer windowDone,
                            ScoredSink sink) throws IOException {
        if (windows.definition().contextLength() > session.capacity()) {
            throw new IllegalArgumentException("context " + windows.definition().contextLength() + " exceeds the session's "
                    + session.capacity() + " positions");
        }
        long index = 0;
        int done = 0;
        for (TokenWindows.Window w : windows.windows()) {
            int[] input = windows.input(w);
            int[] doc = windows.documents().get(w.doc());
            long base = index;
            IOException[] failure = {null};
            session.rewind(0);
            session.forward(input, 0, input.length, (i, logits, off) -> {
                int target = windows.target(w, i);
                if (target >= w.firstScored() && target < w.end() && failure[0] == null) {
                    try {
                        sink.accept(base + target - w.firstScored(), doc[target], logits, off);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            index += w.scored();
            windowDone.accept(++done);
        }
    }
}
