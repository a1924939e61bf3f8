package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Token perplexity of a text (see {@code eval.PerplexityDefinition}).
 *
 * @param text       UTF-8 text file
 * @param ctx        window length in tokens (default 512, capped at the model's context)
 * @param stride     tokens between window starts (default: ctx)
 * @param bos        BOS at the start of each window (default: the tokenizer's add_bos_token)
 * @param maxTokens  tokens taken from each document (0 = all)
 * @param maxWindows score only the first N windows (0 = all), e.g. a quick profile's 20 WikiText-2 windows
 * @param maxBytes   read only the first N bytes of the text (0 = all)
 * @param split      a line that separates documents (each stripped and scored alone); null keeps the file whole
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PerplexitySettings(String text, Integer ctx, Integer stride, Boolean bos, Integer maxTokens,
                                 Integer maxWindows, Long maxBytes, String split) {
    public PerplexitySettings {
        if (text == null || text.isBlank()) {
            throw new ConfigFieldException("text", "is required: the text file to score");
        }
        ctx = ctx == null ? 512 : ctx;
        if (ctx < 2) {
            throw new ConfigFieldException("ctx", "must be at least 2, got " + ctx);
        }
        if (stride != null && (stride < 1 || stride > ctx)) {
            throw new ConfigFieldException("stride", "must be in [1, ctx=" + ctx + "], got " + stride);
        }
        maxTokens = Positive.limit("maxTokens", maxTokens);
        maxWindows = Positive.limit("maxWindows", maxWindows);
        if (maxBytes != null && maxBytes < 0) {
            throw new ConfigFieldException("maxBytes", "must be 0 (all) or more, got " + maxBytes);
        }
        maxBytes = maxBytes == null ? 0L : maxBytes;
    }
}
