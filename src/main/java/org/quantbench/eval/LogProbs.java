package org.quantbench.eval;

/** Natural-log probabilities from logits, computed in double so long sums stay exact enough. */
public final class LogProbs {
    private LogProbs() {}

    /** {@code log softmax(logits[off .. off+n))[target]}. */
    public static double of(float[] logits, int off, int n, int target) {
        return Row.of(logits, off, n).logProb(target);
    }

    /** One row's log-softmax, its normaliser computed once for any number of targets. */
    public static final class Row {
        private final float[] logits;
        private final int off;
        private final int n;
        private final double max;
        private final double logSum;

        private Row(float[] logits, int off, int n, double max, double logSum) {
            this.logits = logits;
            this.off = off;
            this.n = n;
            this.max = max;
            this.logSum = logSum;
        }

        /** The row {@code logits[off .. off+n)}; it reads the array, so use it before the array is overwritten. */
        public static Row of(float[] logits, int off, int n) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, logits[off + i]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(logits[off + i] - max);
            }
            return new Row(logits, off, n, max, Math.log(sum));
        }

        public double logProb(int target) {
            if (target < 0 || target >= n) {
                throw new IllegalArgumentException("token " + target + " outside the vocabulary of " + n);
            }
            return logits[off + target] - max - logSum;
        }

        /** {@code log sum_i exp(logits[i])}, as {@code max + log(sum exp(x - max))}. */
        public double logSumExp() {
            return max + logSum;
        }

        /** The first index of the largest logit, as numpy's and torch's argmax. */
        public int argmax() {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (logits[off + i] > logits[off + best]) {
                    best = i;
                }
            }
            return best;
        }
    }
}
