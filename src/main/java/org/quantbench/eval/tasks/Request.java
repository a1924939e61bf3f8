package org.quantbench.eval.tasks;

/**
 * lm-eval's log-likelihood request: the log-probability of {@code continuation} given {@code context}. Word-boundary
 * spaces belong to the continuation ({@code "Answer:"} + {@code " Paris"}).
 */
public record Request(String context, String continuation) {
}
