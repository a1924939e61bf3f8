package org.quantbench.model.tokenizer;

import java.nio.file.Path;

/** Builds a {@link Tokenizer} from each place a model keeps one. */
public final class Tokenizers {
    private Tokenizers() {}

    /** From GGUF metadata ({@code tokenizer.ggml.model} "llama" or "gpt2"). */
    public static Tokenizer fromVocabulary(VocabularyData data) { throw new UnsupportedOperationException("in progress"); }

    /** From a HF folder's tokenizer.json (+ tokenizer_config.json when present). */
    public static Tokenizer fromHfFolder(Path folder) { throw new UnsupportedOperationException("in progress"); }

    /** From a llama2.c tokenizer.bin (pieces with scores). */
    public static Tokenizer fromLlama2cFile(Path tokenizerBin, int vocabSize) { throw new UnsupportedOperationException("in progress"); }
}
