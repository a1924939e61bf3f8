package org.quantbench.eval.results;

/**
 * How a run was made: compute threads, items scored concurrently ({@code batch}), the seed of item sampling and
 * few-shot draws, the item limit (0 = all) and the number of few-shot examples.
 */
public record RunSettings(int threads, int batch, Long seed, int limit, int numFewshot) {
}
