package org.quantbench.cli;

import org.quantbench.workbench.measure.TextScoring;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of a perplexity definition over a text, shared by the commands that score one (perplexity, kld). */
final class TextOptions {
    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 text to score.")
    Path text;

    @Option(names = "--ctx", description = "Context length of each window (default: 512, at most the model's).")
    int ctx = 512;

    @Option(names = "--stride", description = "Tokens between window starts (default: the context length).")
    Integer stride;

    @Option(names = "--bos", negatable = true, description = "Start each window with BOS (default: the tokenizer's add_bos_token).")
    Boolean bos;

    @Option(names = "--max-tokens", description = "Score only the first N tokens of each document (default: all).")
    int maxTokens = 0;

    @Option(names = "--max-windows", description = "Score only the first N windows (default: all).")
    int maxWindows = 0;

    @Option(names = "--max-bytes", description = "Read only the first N bytes of the text (default: all).")
    long maxBytes = 0;

    @Option(names = "--split", paramLabel = "LINE", description = "A line that separates documents (e.g. '<|endoftext|>'); each document is stripped and scored alone.")
    String split;

    TextScoring scoring() {
        return new TextScoring(text, ctx, stride, bos, maxTokens, maxWindows, maxBytes, split);
    }
}
