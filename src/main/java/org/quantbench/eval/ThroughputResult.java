package org.quantbench.eval;

/**
 * Prefill and decode speed of one stream: tokens per second as the median of {@code repeats} timed runs after
 * warm-up, with the fastest and slowest run.
 */
public record ThroughputResult(int promptTokens, int genTokens, int threads, int repeats,
                               double prefillMedian, double prefillMin, double prefillMax,
                               double decodeMedian, double decodeMin, double decodeMax) {
}
