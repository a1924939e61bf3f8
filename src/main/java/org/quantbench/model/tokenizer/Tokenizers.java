package org.quantbench.model.tokenizer;

import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link Tokenizer} from each place a model keeps one. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * From GGUF metadata ({@code tokenizer.ggml.model} "llama" or "gpt2").
     *
     * @throws IllegalArgumentException naming the metadata field when the vocabulary is unsupported or inconsistent
     */
    public static Tokenizer fromVocabulary(VocabularyData data) {
        return switch (data.model() == null ? "" : data.model()) {
            case "llama" -> sentencePiece(data);
            case "gpt2" -> byteLevel(data);
            default -> throw new IllegalArgumentException("tokenizer.ggml.model: unsupported tokenizer model '"
                    + data.model() + "' (supported: llama, gpt2)");
        };
    }

    /** {@link #fromVocabulary(VocabularyData)}, with problems reported as a {@link FileFormatException} on {@code source}. */
    public static Tokenizer fromVocabulary(VocabularyData data, Path source) {
        try {
            return fromVocabulary(data);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(source, "tokenizer metadata", e.getMessage(), e);
        }
    }

    /** From a HF folder's tokenizer.json (+ tokenizer_config.json when present). */
    public static Tokenizer fromHfFolder(Path folder) {
        return HfTokenizerReader.read(folder);
    }

    /** From a llama2.c tokenizer.bin (pieces with scores). */
    public static Tokenizer fromLlama2cFile(Path tokenizerBin, int vocabSize) {
        return Llama2cTokenizer.read(tokenizerBin, vocabSize);
    }

    private static Tokenizer sentencePiece(VocabularyData data) {
        List<String> tokens = data.tokens();
        if (data.scores() == null || data.scores().length != tokens.size()) {
            throw new IllegalArgumentException("tokenizer.ggml.scores: need one score per token ("
                    + (data.scores() == null ? 0 : data.scores().length) + " scores, " + tokens.size() + " tokens)");
        }
        TokenType[] types = types(data);
        return SentencePieceBpeTokenizer.fromScores(tokens, data.scores(), types, data.bosId(), data.eosId(),
                data.unkId(), data.addBos(), SentencePieceBpeTokenizer.Options.sentencePiece(data.addSpacePrefix()));
    }

    private static Tokenizer byteLevel(VocabularyData data) {
        List<String[]> merges = new ArrayList<>(data.merges().size());
        for (int i = 0; i < data.merges().size(); i++) {
            String merge = data.merges().get(i);
            // A side may itself start with a space in non-byte-level spellings, hence searching from index 1.
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("tokenizer.ggml.merges: merge #" + i + " '" + merge
                        + "' is not two tokens separated by a space");
            }
            merges.add(new String[] {merge.substring(0, space), merge.substring(space + 1)});
        }
        String pre = data.pre();
        boolean ignoreMerges = "llama-bpe".equals(pre) || "llama3".equals(pre) || "llama-v3".equals(pre);
        return new ByteLevelBpeTokenizer(data.tokens(), types(data), merges, PreTokenizer.forGgufName(pre),
                ignoreMerges, data.bosId(), data.eosId(), data.addBos());
    }

    /** The GGUF token types; without them, pieces spelled {@code <0xNN>} are bytes and the rest normal (for llama). */
    private static TokenType[] types(VocabularyData data) {
        int n = data.tokens().size();
        if (n == 0) {
            throw new IllegalArgumentException("tokenizer.ggml.tokens: the vocabulary is empty");
        }
        int[] codes = data.tokenTypes();
        TokenType[] types = new TokenType[n];
        if (codes == null || codes.length == 0) {
            for (int id = 0; id < n; id++) {
                boolean bytePiece = "llama".equals(data.model())
                        && SentencePieceBpeTokenizer.isBytePiece(data.tokens().get(id));
                types[id] = bytePiece ? TokenType.BYTE : TokenType.NORMAL;
            }
            return types;
        }
        if (codes.length != n) {
            throw new IllegalArgumentException("tokenizer.ggml.token_type: " + codes.length + " types for " + n
                    + " tokens");
        }
        for (int id = 0; id < n; id++) {
            try {
                types[id] = TokenType.fromGguf(codes[id]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tokenizer.ggml.token_type: token " + id + ": " + e.getMessage());
            }
        }
        return types;
    }
}
