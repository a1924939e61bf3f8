package org.quantbench.eval.tasks;

/**
 * The scores of one item: each request's log-likelihood and whether it was all greedy, the gold index and the
 * predictions of {@code acc} (argmax of the sums) and {@code acc_norm} (argmax of sum / UTF-8 bytes of the choice).
 */
public record ItemScore(int line, double[] logLikelihoods, boolean[] greedy, int gold, int pred, int predNorm) {
}
