package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * KL divergence against the base model on the same tokens. Every field left out is taken from the perplexity
 * settings, so {@code "kld": {}} compares on exactly the perplexity windows.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KldSettings(String text, Integer ctx, Integer stride, Boolean bos, Integer maxTokens, Integer maxWindows,
                          Long maxBytes, String split) {

    /** These settings over {@code perplexity}'s (which may be null when the config has no perplexity). */
    public PerplexitySettings over(PerplexitySettings perplexity) {
        if (text == null && perplexity == null) {
            throw new ConfigFieldException("text", "is required when the config has no perplexity settings to inherit");
        }
        PerplexitySettings p = perplexity;
        return new PerplexitySettings(text != null ? text : p.text(), first(ctx, p == null ? null : p.ctx()),
                first(stride, p == null ? null : p.stride()), first(bos, p == null ? null : p.bos()),
                first(maxTokens, p == null ? null : p.maxTokens()), first(maxWindows, p == null ? null : p.maxWindows()),
                first(maxBytes, p == null ? null : p.maxBytes()), first(split, p == null ? null : p.split()));
    }

    private static <T> T first(T own, T inherited) {
        return own != null ? own : inherited;
    }
}
