package org.quantbench.eval.tasks;

import org.quantbench.engine.InferenceSession;
import org.quantbench.eval.LogProbs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Scores requests on one {@link InferenceSession}, reusing the KV cache for the tokens a request shares with what
 * the session already holds (MMLU's items share their few-shot examples). An item's requests are scored in one
 * forward step: their common prefix once, each request's rest as a branch of the same step (the choices of an item
 * after their context, WinoGrande's options after the sentence's start). Because the engine's outputs do not depend
 * on how tokens are grouped into forward steps, and a branch attends to exactly the keys a separate run would, the
 * scores are identical to scoring every request from scratch.
 *
 * <p>A request longer than the session is cut from the left, as lm-eval does: the model sees the last
 * {@code capacity} tokens of context + continuation (minus the final token, which is only predicted). Items with such
 * a request, or on a session that cannot branch, are scored one request at a time; there the logits after a context
 * are kept for the next request, so a one-token continuation costs nothing after the first.
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
            if (!scoreAsBranches(requests, out)) {
                for (EncodedRequest r : requests) {
                    out.add(score(r));
                }
            }
        } catch (RuntimeException e) {
            // The cache may hold part of a request: start clean.
            memoPosition = -1;
            session.rewind(0);
            throw e;
        }
        return out;
    }

    /**
     * Scores an item's requests in one forward step: their common prefix (the trunk) once, then each request's rest
     * as a branch that sees the trunk and itself ({@link InferenceSession#forwardBranches}), so the weights are read
     * once per item instead of once per choice. Returns false, having run nothing, when a request would be cut from
     * the left, the branches do not fit the session's slots, or the session's arithmetic cannot branch.
     */
    private boolean scoreAsBranches(List<EncodedRequest> requests, List<Loglikelihood> out) {
        int k = requests.size();
        if (!session.branches() || k == 0) {
            return false;
        }
        int[][] inputs = new int[k][];
        int[] firsts = new int[k];
        for (int r = 0; r < k; r++) {
            int[] ctx = requests.get(r).context();
            int[] cont = requests.get(r).continuation();
            if (cont.length == 0) {
                throw new IllegalArgumentException("the continuation encodes to no tokens");
            }
            int n = ctx.length + cont.length - 1;
            if (n > session.capacity()) {
                return false;
            }
            inputs[r] = new int[n];
            System.arraycopy(ctx, 0, inputs[r], 0, ctx.length);
            System.arraycopy(cont, 0, inputs[r], ctx.length, cont.length - 1);
            firsts[r] = ctx.length - 1;
        }
        int trunk = inputs[0].length;
        int firstNeeded = firsts[0];
        for (int r = 1; r < k; r++) {
            trunk = commonPrefix(inputs[0], inputs[r], Math.min(trunk, inputs[r].length));
            firstNeeded = Math.min(firstNeeded, firsts[r]);
        }
        int from = Math.min(commonPrefix(inputs[0], held, Math.min(trunk, session.position())), Math.min(trunk, firstNeeded));
        int[][] branches = new int[k][];
        int[] branchRow = new int[k];
        int rows = trunk - from;
        for (int r = 0; r < k; r++) {
            branches[r] = Arrays.copyOfRange(inputs[r], trunk, inputs[r].length);
            branchRow[r] = rows;
            rows += branches[r].length;
        }
        if (from + rows > session.slots()) {
            return false;
        }
        // which (request, continuation token) each row's logits predict
        List<List<int[]>> wanted = new ArrayList<>(Collections.nCopies(rows, null));
        int logitsFrom = rows;
        for (int r = 0; r < k; r++) {
            int[] cont = requests.get(r).continuation();
            for (int i = firsts[r]; i < inputs[r].length; i++) {
                int row = i < trunk ? i - from : branchRow[r] + i - trunk;
                if (wanted.get(row) == null) {
                    wanted.set(row, new ArrayList<>(2));
                }
                wanted.get(row).add(new int[] {r, cont[i - firsts[r]]});
                logitsFrom = Math.min(logitsFrom, row);
            }
        }
        memoPosition = -1;
        session.rewind(from);
        double[] sums = new double[k];
        boolean[] greedy = new boolean[k];
        Arrays.fill(greedy, true);
        session.forwardBranches(Arrays.copyOf(inputs[0], trunk), branches, logitsFrom, (row, logits, off) -> {
            List<int[]> targets = wanted.get(row);
            if (targets == null) {
                return;
            }
            LogProbs.Row probs = LogProbs.Row.of(logits, off, vocab);
            int best = probs.argmax();
            for (int[] t : targets) {
                sums[t[0]] += probs.logProb(t[1]);
                greedy[t[0]] &= best == t[1];
            }
        });
        System.arraycopy(inputs[0], 0, held, 0, trunk);
        for (int r = 0; r < k; r++) {
            out.add(new Loglikelihood(sums[r], greedy[r], requests.get(r).continuation().length));
        }
        return true;
    }

    private static int commonPrefix(int[] a, int[] b, int limit) {
        int i = 0;
        while (i < limit && a[i] == b[i]) {
            i++;
        }
        return i;
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
        LogProbs.Row row = LogProbs.Row.of(logits, off, vocab);
        sum[0] += row.logProb(target);
        greedy[0] &= row.argmax() == target;
    }
}
