package org.quantbench.eval;

/** A token perplexity with its definition and how many tokens and windows it rests on. */
public record PerplexityResult(double perplexity, double meanNll, long scoredTokens, int windows, int documents,
                               PerplexityDefinition definition) {
}
