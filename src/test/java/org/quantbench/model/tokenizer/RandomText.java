package org.quantbench.model.tokenizer;

import java.util.Random;

/** Seeded random texts that mix the characters tokenizers trip over. */
final class RandomText {
    private static final String[] PIECES = {
        "a", "b", "e", "z", "Q", "the", " ", "  ", "   ", "\n", "\n\n", "\r\n", "\t", "0", "7", "42", "123456",
        ".", ",", "'s", "'LL", "!?", "-", "_", "<", ">", "|", "@", "é", "ß", "ñ", "e\u0301", "\u0301", "Å",
        "日本語", "中", "한국어", "Ελληνικά", "кириллица", "١٢٣", "४५", "\u00a0", "\u3000", "\u2028", "\u200b",
        "🤖", "👍🏽", "🎉", "👨‍👩‍👧", "\uFFFD", "\u0000", "\u007f", "\u2581", "<|im_start|>", "<|im_end|>",
        "<|endoftext|>", "<s>", "</s>"
    };

    private RandomText() {}

    static String of(Random random, int maxPieces) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(maxPieces + 1);
        for (int i = 0; i < pieces; i++) {
            if (random.nextInt(8) == 0) {
                text.appendCodePoint(randomCodePoint(random));
            } else {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return text.toString();
    }

    /** Any assigned code point but surrogates and C0/C1 controls (some vocabularies lack a few control bytes). */
    private static int randomCodePoint(Random random) {
        while (true) {
            int cp = random.nextInt(4) == 0 ? random.nextInt(0x110000) : random.nextInt(0x3000);
            if (Character.isDefined(cp) && Character.getType(cp) != Character.SURROGATE && !Character.isISOControl(cp)) {
                return cp;
            }
        }
    }
}
