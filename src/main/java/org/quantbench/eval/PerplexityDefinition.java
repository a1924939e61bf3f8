package org.quantbench.eval;

/**
 * What a token perplexity number means. Each document is cut into windows of {@code contextLength} tokens that
 * start every {@code stride} tokens (stride = context: disjoint windows); every token is scored once, by the first
 * window in which it has preceding context. With {@code bos}, each window starts with BOS (so it holds
 * contextLength - 1 text tokens) and the first text token is scored too; without, the first token of a document
 * is never scored. {@code maxTokens} caps the tokens taken from each document (0 = all).
 */
public record PerplexityDefinition(int contextLength, int stride, boolean bos, int maxTokens) {

    public PerplexityDefinition {
        if (contextLength < 2) {
            throw new IllegalArgumentException("context length must be at least 2, got " + contextLength);
        }
        if (stride < 1 || stride > contextLength) {
            throw new IllegalArgumentException("stride must be in [1, context length], got " + stride);
        }
        if (bos && stride > contextLength - 1) {
            stride = contextLength - 1;
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
        }
    }

    public String describe() {
        return "token perplexity = exp(mean NLL, natural log), context " + contextLength + ", stride " + stride
                + (bos ? ", BOS at the start of each window" : ", no BOS")
                + (maxTokens > 0 ? ", first " + maxTokens + " tokens per document" : "");
    }
}
