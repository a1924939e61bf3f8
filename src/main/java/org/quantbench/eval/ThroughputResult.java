package org.quantbench.eval;

/**
 * Prefill and decode speed: tokens per second as the median of {@code repeats} timed runs after warm-up, with the
 * fastest and slowest run. With several streams, decode counts the tokens of all streams (batched steps).
 */
public record ThroughputResult(int promptTokens, int genTokens, int streams, int threads, int repeats,
                               double prefillMedian, double prefillMin, double prefillMax,
                               double decodeMedian, double decodeMin, double decodeMax) {
}
