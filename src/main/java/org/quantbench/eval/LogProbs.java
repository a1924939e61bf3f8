package org.quantbench.eval;

/** Natural-log probabilities from logits, computed in double so long sums stay exact enough. */
public final class LogProbs {
    private LogProbs() {}

    /** {@code log softmax(logits[off .. off+n))[target]}. */
    public static double of(float[] logits, int off, int n, int target) {
        if (target < 0 || target >= n) {
            throw new IllegalArgumentException("token " + target + " outside the vocabulary of " + n);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[off + i] - max);
        }
        return logits[off + target] - max - Math.log(sum);
    }
}
