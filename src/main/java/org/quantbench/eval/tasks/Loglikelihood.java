package org.quantbench.eval.tasks;

/**
 * The log-likelihood (natural log) of a continuation given its context, whether each of its tokens was the greedy
 * (argmax) prediction, and how many tokens it has.
 */
public record Loglikelihood(double logProb, boolean greedy, int tokens) {
}
