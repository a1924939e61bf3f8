package org.quantbench.eval;

import org.quantbench.engine.InferenceSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalInt;

/**
 * Token perplexity of tokenized documents under a {@link PerplexityDefinition}, over the windows of
 * {@link TokenWindows}; each step's log-probabilities are computed on the session's threads and summed in token order.
 */
public final class PerplexityEvaluator {
    private final InferenceSession session;
    private final PerplexityDefinition definition;
    private final OptionalInt bosId;

    public PerplexityEvaluator(InferenceSession session, PerplexityDefinition definition, OptionalInt bosId) {
        if (definition.bos() && bosId.isEmpty()) {
            throw new IllegalArgumentException("the definition asks for BOS but the tokenizer has none");
        }
        if (definition.contextLength() > session.capacity()) {
            throw new IllegalArgumentException("context " + definition.contextLength() + " exceeds the session's "
                    + session.capacity() + " positions");
        }
        this.session = session;
        this.definition = definition;
        this.bosId = bosId;
    }

    public PerplexityResult evaluate(List<int[]> documents) {
        return evaluate(documents, done -> { });
    }

    /**
     * @param windowDone told the count of windows scored so far after each one; it may throw (e.g. a
     *                   {@link java.util.concurrent.CancellationException}) to stop between windows
     */
    public PerplexityResult evaluate(List<int[]> documents, java.util.function.IntConsumer windowDone) {
        TokenWindows windows = new TokenWindows(definition, documents, bosId);
        int vocab = session.model().config().vocabSize();
        double[] nll = {0};
        double[] windowSum = {0};
        try {
            ScoredSteps.run(session, windows, done -> {
                nll[0] += windowSum[0];
                windowSum[0] = 0;
                windowDone.accept(done);
            }, b -> {
                double[] logProbs = new double[b.count()];
                session.pool().forRanges(b.count(), 4L * vocab, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        logProbs[j] = LogProbs.of(b.logits(), b.offsets()[j], vocab, b.targets()[j]);
                    }
                });
                // summed in token order, so the total does not depend on the thread count
                for (double lp : logProbs) {
                    windowSum[0] -= lp;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long scored = windows.scoredTokens();
        double mean = scored == 0 ? Double.NaN : nll[0] / scored;
        return new PerplexityResult(Math.exp(mean), mean, scored, windows.windows().size(), documents.size(), definition);
    }
}
