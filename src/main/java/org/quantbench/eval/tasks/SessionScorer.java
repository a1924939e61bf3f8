package org.quantbench.eval.tasks;

import org.quantbench.engine.InferenceSession;
import org.quantbench.eval.LogProbs;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores requests on one {@link InferenceSession}, reusing the KV cache for the tokens a request shares with what
 * the session already holds: the choices of an item share their context, MMLU's items share their few-shot examples,
 * WinoGrande's options share the sentence up to the blank. A shared prefix is never recomputed, and the logits after
 * a context are kept for the next choice, so a one-token continuation costs nothing after the first. Because the
 * engine's outputs do not depend on how tokens are grouped into forward steps, the scores are identical to scoring
 * every request from scratch.
 *
 * <p>A request longer than the session is cut from the left, as lm-eval does: the model sees the last
 * {@code capacity} tokens of context + continuation (minus the final token, which is only predicted).
 */
public final class SessionScorer implements LoglikelihoodScorer {
    private final InferenceSession session;
    private final int vocab;
    private final int[] held;
    private float[] memoLogits;
    private int memoPosition = -1;

    public SessionScorer(InferenceSession session) {
        this.session = session;
        this.vocab = session.model().config().vocabSize();
        this.held = new int[session.capacity()];
        session.rewind(0);
    }

    @Override
    public List<Loglikelihood> score(List<EncodedRequest> requests) {
        List<Loglikelihood> out = new ArrayList<>(requests.size());
        try {
            for (EncodedRequest r : requests) {
                out.add(score(r));
            }
        } catch (RuntimeException e) {
            // The cache may hold part of a request: start clean.
            memoPosition = -1;
            session.rewind(0);
            throw e;
        }
        return out;
    }

    private Loglikelihood score(EncodedRequest r) {
        int[] ctx = r.context();
        int[] cont = r.continuation();
        if (cont.length == 0) {
            throw new IllegalArgumentException("the continuation encodes to no tokens");
        }
        int total = ctx.length + cont.length;
        int start = Math.max(0, total - 1 - session.capacity());
        if (start >= ctx.length) {
            throw new IllegalArgumentException("a continuation of " + cont.length + " tokens leaves no context in the "
                    + session.capacity() + " positions of the model");
        }
        int n = total - 1 - start;          // tokens run through the model
        int[] input = new int[n];
        for (int i = 0; i < n; i++) {
            int at = start + i;
            input[i] = at < ctx.length ? ctx[at] : cont[at - ctx.length];
        }
        int first = ctx.length - 1 - start; // position whose logits predict the first continuation token
        int common = commonPrefix(input, n);
        double[] sum = {0};
        boolean[] greedy = {true};
        if (memoPosition == first && common > first) {
            accumulate(memoLogits, 0, cont[0], sum, greedy);
            session.rewind(first + 1);
        } else {
            int from = Math.min(common, first);
            if (memoPosition >= from) {
                memoPosition = -1;
            }
            session.rewind(from);
            memoLogits = session.forwardLast(input, from, first + 1 - from);
            memoPosition = first;
            accumulate(memoLogits, 0, cont[0], sum, greedy);
        }
        if (first + 1 < n) {
            session.forward(input, first + 1, n - first - 1, (i, logits, off) ->
                    accumulate(logits, off, cont[i + 1], sum, greedy));
        }
        System.arraycopy(input, 0, held, 0, n);
        return new Loglikelihood(sum[0], greedy[0], cont.length);
    }

    /** Tokens at the start of {@code input} that the session already holds. */
    private int commonPrefix(int[] input, int n) {
        int limit = Math.min(n, session.position());
        int i = 0;
        while (i < limit && held[i] == input[i]) {
            i++;
        }
        return i;
    }

    private void accumulate(float[] logits, int off, int target, double[] sum, boolean[] greedy) {
        sum[0] += LogProbs.of(logits, off, vocab, target);
        if (greedy[0] && argmax(logits, off) != target) {
            greedy[0] = false;
        }
    }

    /** The first index of the largest logit, as numpy's and torch's argmax. */
    private int argmax(float[] logits, int off) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[off + i] > logits[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
