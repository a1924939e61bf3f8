package org.quantbench.model.tokenizer;

import java.util.Optional;
import java.util.OptionalInt;

/** Text to token ids and back. Implementations are immutable and thread-safe. */
public interface Tokenizer {

    int vocabSize();

    /**
     * Token ids of {@code text}, without BOS/EOS. With {@code parseSpecial}, the text of special (control) tokens
     * such as {@code <|im_start|>} becomes that token; without, it is tokenized as plain text.
     */
    int[] encode(String text, boolean parseSpecial);

    /** The bytes a token stands for (a special token's own text). */
    byte[] tokenBytes(int id);

    /** Decodes a sequence; bytes that do not form valid UTF-8 become U+FFFD. */
    String decode(int[] ids);

    OptionalInt bosId();

    OptionalInt eosId();

    /** Whether the model was trained with BOS at the start of each text ({@code add_bos_token}). */
    boolean addBos();

    /** {@link #encode} with BOS prepended when {@link #addBos()} says so. */
    default int[] encodeForModel(String text) {
        int[] ids = encode(text, false);
        if (!addBos() || bosId().isEmpty()) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bosId().getAsInt();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    /**
     * The tokenizer as GGUF {@code tokenizer.ggml.*} data, when it can be written as such: building a tokenizer
     * from it with {@link Tokenizers#fromVocabulary} encodes every text as this one does. Empty when the format
     * cannot express how this tokenizer works.
     */
    default Optional<VocabularyData> vocabulary() {
        return Optional.empty();
    }
}
