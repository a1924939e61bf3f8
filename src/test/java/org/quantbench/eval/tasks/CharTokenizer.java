package org.quantbench.eval.tasks;

import org.quantbench.model.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/** One token per UTF-16 char (id = char + 1), BOS = 0: lets tests reason about token counts exactly. */
final class CharTokenizer implements Tokenizer {
    @Override
    public int vocabSize() { return 65537; }

    @Override
    public int[] encode(String text, boolean parseSpecial) {
        return text.chars().map(c -> c + 1).toArray();
    }

    @Override
    public byte[] tokenBytes(int id) {
        return id == 0 ? new byte[0] : String.valueOf((char) (id - 1)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder s = new StringBuilder();
        for (int id : ids) {
            if (id > 0) {
                s.append((char) (id - 1));
            }
        }
        return s.toString();
    }

    @Override
    public OptionalInt bosId() { return OptionalInt.of(0); }

    @Override
    public OptionalInt eosId() { return OptionalInt.empty(); }

    @Override
    public boolean addBos() { return true; }
}
