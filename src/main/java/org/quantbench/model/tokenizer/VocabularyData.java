package org.quantbench.model.tokenizer;

import java.util.List;

/**
 * A tokenizer as stored in GGUF metadata ({@code tokenizer.ggml.*}): {@code model} is "llama" (SentencePiece BPE
 * with scores and byte fallback) or "gpt2" (byte-level BPE with merges); {@code pre} names the pre-tokenizer
 * ("smollm", "llama-bpe", "qwen2", "gpt2", ...). Absent ids are -1; absent arrays are empty.
 */
public record VocabularyData(String model, String pre, List<String> tokens, float[] scores, int[] tokenTypes,
                             List<String> merges, int bosId, int eosId, int unkId, int padId,
                             boolean addBos, boolean addEos, boolean addSpacePrefix) {
}
