package org.quantbench.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteLevelBpeTokenizerTest {

    /** ids 0..255: the byte characters in byte order; then merged tokens; then specials. */
    private static ByteLevelBpeTokenizer tokenizer(List<String[]> merges, boolean ignoreMerges, String... extra) {
        List<String> tokens = new ArrayList<>();
        List<TokenType> types = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
            types.add(TokenType.NORMAL);
        }
        for (String token : extra) {
            boolean special = token.startsWith("<");
            tokens.add(token);
            types.add(!special ? TokenType.NORMAL : token.startsWith("<|") ? TokenType.CONTROL : TokenType.USER_DEFINED);
        }
        return new ByteLevelBpeTokenizer(tokens, types.toArray(new TokenType[0]), merges, PreTokenizer.gpt2(),
                ignoreMerges, tokens.indexOf("<|bos|>"), tokens.indexOf("<|eos|>"), false);
    }

    private static final ByteLevelBpeTokenizer HAND = tokenizer(List.of(
                    new String[] {"t", "h"}, new String[] {"th", "e"}, new String[] {"Ġ", "the"},
                    new String[] {"a", "b"}, new String[] {"b", "c"}),
            false, "th", "the", "Ġthe", "ab", "bc", "<|bos|>", "<|eos|>", "<|bo", "<user>");
    private static final int TH = 256;
    private static final int THE = 257;
    private static final int SPACE_THE = 258;
    private static final int AB = 259;
    private static final int BC = 260;
    private static final int BOS = 261;
    private static final int EOS = 262;
    private static final int USER = 264;

    @Test
    void mergesByRankWithinWordsOnly() {
        assertThat(HAND.encode("the the", false)).containsExactly(THE, SPACE_THE);
        assertThat(HAND.encode("abc", false)).containsExactly(AB, 'c');
        assertThat(HAND.encode("thx", false)).containsExactly(TH, 'x');
        // "e" and " " are in different words, so "Ġ" never meets "the" across them.
        assertThat(HAND.encode("e the", false)).containsExactly('e', SPACE_THE);
        assertThat(HAND.encode(" ", false)).containsExactly(' ');
        ByteLevelBpeTokenizer reversed = tokenizer(List.of(new String[] {"b", "c"}, new String[] {"a", "b"}), false,
                "ab", "bc");
        assertThat(reversed.encode("abc", false)).containsExactly('a', 257);
    }

    @Test
    void ignoreMergesTakesAWholeWordThatIsAToken() {
        // "abc" is a token but no merge builds it: only ignore_merges (Llama-3) finds it.
        ByteLevelBpeTokenizer without = tokenizer(List.<String[]>of(new String[] {"a", "b"}), false, "ab", "abc");
        ByteLevelBpeTokenizer with = tokenizer(List.<String[]>of(new String[] {"a", "b"}), true, "ab", "abc");
        assertThat(without.encode("abc", false)).containsExactly(256, 'c');
        assertThat(with.encode("abc", false)).containsExactly(257);
    }

    @Test
    void controlTokensAreSplitOutOnlyWhenParsingSpecialsUserDefinedAlwaysLongestFirst() {
        assertThat(HAND.encode("<|bos|>the", true)).containsExactly(BOS, THE);
        assertThat(HAND.encode("<|bos|>the", false)).doesNotContain(BOS).endsWith(THE);
        assertThat(HAND.encode("x<user>", false)).containsExactly('x', USER);
        assertThat(HAND.decode(HAND.encode("<|bos|>the<|eos|><user>", true))).isEqualTo("the<user>");
        assertThat(HAND.tokenBytes(BOS)).containsExactly("<|bos|>".getBytes());
        assertThat(HAND.bosId()).hasValue(BOS);
        assertThat(HAND.eosId()).hasValue(EOS);
    }

    @Test
    void everyTextRoundTripsWhenAllBytesHaveTokens() {
        Random random = new Random(5);
        for (int trial = 0; trial < 3000; trial++) {
            String text = RandomText.of(random, 30);
            assertThat(HAND.decode(HAND.encode(text, false))).as("round trip of %s", text).isEqualTo(text);
        }
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 0x800; c++) {
            all.append((char) c);
        }
        assertThat(HAND.decode(HAND.encode(all.toString(), false))).isEqualTo(all.toString());
    }

    @Test
    void loneSurrogatesAndBrokenUtf8BecomeReplacementCharacters() {
        assertThat(HAND.decode(HAND.encode("a\uDC00b\uD800", false))).isEqualTo("a\uFFFDb\uFFFD");
        assertThat(HAND.decode(HAND.encode("\uD83D", true))).isEqualTo("\uFFFD");
        // A lone UTF-8 lead byte (0xC3) decodes to U+FFFD.
        assertThat(HAND.decode(new int[] {0xC3, 'a'})).isEqualTo("\uFFFDa");
        assertThatThrownBy(() -> HAND.decode(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HAND.tokenBytes(HAND.vocabSize())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inconsistentVocabulariesAreRejectedWithTheMergeNamed() {
        assertThatThrownBy(() -> tokenizer(List.<String[]>of(new String[] {"a", "q"}), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merge #0").hasMessageContaining("aq");
        assertThatThrownBy(() -> new ByteLevelBpeTokenizer(List.of("a"), new TokenType[0], List.of(),
                PreTokenizer.gpt2(), false, -1, -1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteLevelBpeTokenizer(List.of("a"), new TokenType[] {TokenType.NORMAL}, List.of(),
                PreTokenizer.gpt2(), false, 5, -1, false)).hasMessageContaining("bos id 5");
    }
}
