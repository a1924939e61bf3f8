package org.quantbench.model.gguf;

import org.quantbench.model.tokenizer.VocabularyData;

import java.util.List;

/**
 * Extracts {@link VocabularyData} from {@code tokenizer.ggml.*} metadata. Absent ids become -1 and absent arrays
 * empty; {@code add_bos_token} and {@code add_space_prefix} default to true for SentencePiece ("llama") vocabularies
 * and to false otherwise, as llama.cpp does. A special-token id outside the vocabulary is dropped (-1), as llama.cpp
 * ignores it too.
 */
final class GgufVocabulary {
    private GgufVocabulary() {}

    static VocabularyData read(GgufFile file) {
        if (!file.hasVocabulary()) {
            throw file.error(GgufKeys.TOKENS, "the file carries no tokenizer (" + GgufKeys.TOKENIZER_MODEL
                    + " and " + GgufKeys.TOKENS + " are needed)");
        }
        String model = file.getString(GgufKeys.TOKENIZER_MODEL);
        String pre = file.getString(GgufKeys.TOKENIZER_PRE, "default");
        List<String> tokens = file.getStringArray(GgufKeys.TOKENS);
        float[] scores = file.has(GgufKeys.SCORES) ? file.getFloatArray(GgufKeys.SCORES) : new float[0];
        int[] types = file.has(GgufKeys.TOKEN_TYPE) ? file.getIntArray(GgufKeys.TOKEN_TYPE) : new int[0];
        List<String> merges = file.has(GgufKeys.MERGES) ? file.getStringArray(GgufKeys.MERGES) : List.of();
        sameLength(file, GgufKeys.SCORES, scores.length, tokens.size());
        sameLength(file, GgufKeys.TOKEN_TYPE, types.length, tokens.size());
        boolean sentencePiece = "llama".equals(model);
        return new VocabularyData(model, pre, tokens, scores, types, merges,
                tokenId(file, GgufKeys.BOS_ID, tokens.size()),
                tokenId(file, GgufKeys.EOS_ID, tokens.size()),
                tokenId(file, GgufKeys.UNK_ID, tokens.size()),
                tokenId(file, GgufKeys.PAD_ID, tokens.size()),
                file.getBool(GgufKeys.ADD_BOS, sentencePiece),
                file.getBool(GgufKeys.ADD_EOS, false),
                file.getBool(GgufKeys.ADD_SPACE_PREFIX, sentencePiece));
    }

    private static void sameLength(GgufFile file, String key, int length, int tokens) {
        if (length != 0 && length != tokens) {
            throw file.error(key, "has " + length + " entries for " + tokens + " tokens");
        }
    }

    private static int tokenId(GgufFile file, String key, int vocabSize) {
        if (!file.has(key)) {
            return -1;
        }
        long id = file.getLong(key);
        return id >= 0 && id < vocabSize ? (int) id : -1;
    }
}
