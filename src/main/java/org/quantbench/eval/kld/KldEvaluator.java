package org.quantbench.eval.kld;

import org.quantbench.engine.InferenceSession;
import org.quantbench.eval.LogProbs;
import org.quantbench.eval.PerplexityResult;
import org.quantbench.eval.ScoredSteps;
import org.quantbench.eval.TokenWindows;

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

    /** Runs the base model over the windows and writes its top-k distributions to {@code file}, atomically. */
    public static void writeBase(InferenceSession base, TokenWindows windows, String key, Path file) {
        int vocab = base.model().config().vocabSize();
        int k = Math.min(TOP_K, vocab);
        BaseLogitsFile.Writer.write(file, key, k, vocab, windows.scoredTokens(), out -> ScoredSteps.run(base, windows, done -> { }, b -> {
            int[][] ids = new int[b.count()][];
            float[][] logProbs = new float[b.count()][k];
            float[] rest = new float[b.count()];
            double[] targetLogProb = new double[b.count()];
            base.pool().forRanges(b.count(), 4L * vocab, (from, to) -> {
                boolean[] scratch = new boolean[vocab];
                for (int j = from; j < to; j++) {
                    LogProbs.Row row = LogProbs.Row.of(b.logits(), b.offsets()[j], vocab);
                    ids[j] = TopLogits.topK(b.logits(), b.offsets()[j], vocab, k);
                    rest[j] = TopLogits.summarize(b.logits(), b.offsets()[j], vocab, row.logSumExp(), ids[j], logProbs[j], scratch);
                    targetLogProb[j] = row.logProb(b.targets()[j]);
                }
            });
            for (int j = 0; j < b.count(); j++) {
                out.record(b.targets()[j], rest[j], targetLogProb[j], ids[j], logProbs[j]);
            }
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
        long[] agree = {0};
        double[] nllDiff = {0};
        double[] nllBase = {0};
        double[] nllModel = {0};
        double[] windowNll = {0};
        try {
            ScoredSteps.run(session, windows, done -> {
                nllModel[0] += windowNll[0];
                windowNll[0] = 0;
                windowDone.accept(done);
            }, b -> {
                boolean[] agrees = new boolean[b.count()];
                double[] model = new double[b.count()];
                double[] baseTarget = new double[b.count()];
                session.pool().forRanges(b.count(), 4L * vocab, (from, to) -> {
                    int[] ids = new int[k];
                    float[] logP = new float[k];
                    float[] logQ = new float[k];
                    float[] restP = new float[1];
                    double[] target = new double[1];
                    boolean[] scratch = new boolean[vocab];
                    for (int j = from; j < to; j++) {
                        long index = b.first() + j;
                        base.read(index, b.targets()[j], ids, logP, restP, target);
                        LogProbs.Row row = LogProbs.Row.of(b.logits(), b.offsets()[j], vocab);
                        float restQ = TopLogits.summarize(b.logits(), b.offsets()[j], vocab, row.logSumExp(), ids, logQ, scratch);
                        kls[(int) index] = TopLogits.kl(logP, restP[0], logQ, restQ);
                        agrees[j] = row.argmax() == ids[0];
                        model[j] = row.logProb(b.targets()[j]);
                        baseTarget[j] = target[0];
                    }
                });
                // sums in token order, so the totals do not depend on the thread count
                for (int j = 0; j < b.count(); j++) {
                    if (agrees[j]) {
                        agree[0]++;
                    }
                    windowNll[0] -= model[j];
                    nllDiff[0] += baseTarget[j] - model[j];
                    nllBase[0] -= baseTarget[j];
                }
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
}
