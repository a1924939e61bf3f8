package org.quantbench.eval;

import org.quantbench.engine.InferenceSession;

import java.util.List;
import java.util.OptionalInt;

/** Token perplexity of tokenized documents under a {@link PerplexityDefinition}. */
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
        double nll = 0;
        long scored = 0;
        int windows = 0;
        for (int[] all : documents) {
            int[] doc = definition.maxTokens() > 0 && all.length > definition.maxTokens()
                    ? java.util.Arrays.copyOf(all, definition.maxTokens()) : all;
            int lead = definition.bos() ? 1 : 0;
            int span = definition.contextLength() - lead;
            int scoredUpTo = 0;  // first document index not yet scored
            for (int s = 0; end(s, span, doc.length) > Math.max(scoredUpTo, s + 1 - lead); s += definition.stride()) {
                int start = s;
                int end = end(start, span, doc.length);
                int[] window = new int[lead + end - start];
                if (lead == 1) {
                    window[0] = bosId.getAsInt();
                }
                System.arraycopy(doc, start, window, lead, end - start);
                // Without BOS a window's first token has no context, so it is never scored.
                int firstScored = Math.max(scoredUpTo, start + 1 - lead);
                double[] sum = {0};
                session.rewind(0);
                session.forward(window, 0, window.length, (i, logits, off) -> {
                    int target = start + i - lead + 1;  // document index predicted by window position i
                    if (target >= firstScored && target < end) {
                        sum[0] -= LogProbs.of(logits, off, session.model().config().vocabSize(), doc[target]);
                    }
                });
                nll += sum[0];
                scored += end - firstScored;
                scoredUpTo = end;
                windows++;
                windowDone.accept(windows);
            }
        }
        double mean = scored == 0 ? Double.NaN : nll / scored;
        return new PerplexityResult(Math.exp(mean), mean, scored, windows, documents.size(), definition);
    }

    private static int end(int start, int span, int length) {
        return Math.min(start + span, length);
    }
}
