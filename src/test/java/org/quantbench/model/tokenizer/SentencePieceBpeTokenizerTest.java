package org.quantbench.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SentencePieceBpeTokenizerTest {

    /** ids: 0 unk, 1 BOS, 2 EOS, 3..258 bytes, then the pieces below. */
    private static final String[] PIECES = {"▁", "a", "b", "c", "▁a", "ab", "bc", "▁ab", "▁abc", "<|user|>", "x", "xx"};
    private static final float[] PIECE_SCORES = {-1, -1, -1, -1, -2, -3, -3, -4, -5, 0, -1, -0.5f};
    private static final int SPACE = 259;
    private static final int A = 260;
    private static final int B = 261;
    private static final int C = 262;
    private static final int SPACE_A = 263;
    private static final int AB = 264;
    private static final int BC = 265;
    private static final int SPACE_AB = 266;
    private static final int SPACE_ABC = 267;
    private static final int USER = 268;
    private static final int X = 269;
    private static final int XX = 270;

    private static VocabularyData handVocabulary(boolean addSpacePrefix) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            scores.add(0f);
            types.add(6);
        }
        for (int i = 0; i < PIECES.length; i++) {
            tokens.add(PIECES[i]);
            scores.add(PIECE_SCORES[i]);
            types.add(PIECES[i].equals("<|user|>") ? 4 : 1);
        }
        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) {
            scoreArray[i] = scores.get(i);
        }
        return new VocabularyData("llama", null, tokens, scoreArray,
                types.stream().mapToInt(Integer::intValue).toArray(), List.of(), 1, 2, 0, -1, true, false,
                addSpacePrefix);
    }

    private static final Tokenizer HAND = Tokenizers.fromVocabulary(handVocabulary(true));

    @Test
    void mergesByBestScoreWithTheLeftmostPairWinningTies() {
        assertThat(HAND).isInstanceOf(SentencePieceBpeTokenizer.class);
        // ▁ a b c: "▁a" (-2) first, then "▁ab" (-4), then "▁abc" (-5).
        assertThat(HAND.encode("abc", false)).containsExactly(SPACE_ABC);
        // Without the space in front, "ab" and "bc" tie at -3 and the leftmost wins.
        Tokenizer noPrefix = Tokenizers.fromVocabulary(handVocabulary(false));
        assertThat(noPrefix.encode("abc", false)).containsExactly(AB, C);
        assertThat(noPrefix.encode("bcab", false)).containsExactly(BC, AB);
        assertThat(noPrefix.encode("xxx", false)).containsExactly(XX, X);
        assertThat(HAND.encode("a b", false)).containsExactly(SPACE_A, SPACE, B);
        assertThat(HAND.encode("", false)).isEmpty();
        assertThat(HAND.encodeForModel("a")).containsExactly(1, SPACE_A);
    }

    @Test
    void charactersWithoutAPieceFallBackToBytes() {
        assertThat(HAND.encode("é", false)).containsExactly(SPACE, 3 + 0xC3, 3 + 0xA9);
        assertThat(HAND.encode("a🤖", false)).containsExactly(SPACE_A, 3 + 0xF0, 3 + 0x9F, 3 + 0xA4, 3 + 0x96);
        assertThat(HAND.decode(HAND.encode("a🤖 é", false))).isEqualTo("a🤖 é");
    }

    @Test
    void specialTokensNeedParseSpecialButUserDefinedOnesAreAlwaysSplitOut() {
        assertThat(HAND.encode("a<s>b", true)).containsExactly(SPACE_A, 1, SPACE, B);
        int[] plain = HAND.encode("a<s>b", false);
        assertThat(plain).doesNotContain(1);
        assertThat(HAND.decode(plain)).isEqualTo("a<s>b");
        assertThat(HAND.encode("a<|user|>b", false)).containsExactly(SPACE_A, USER, SPACE, B);
        // Control tokens decode to nothing; a user-defined one to its text.
        assertThat(HAND.decode(new int[] {1, SPACE_A, USER, B, 2})).isEqualTo("a<|user|>b");
        assertThat(HAND.tokenBytes(1)).isEqualTo("<s>".getBytes(StandardCharsets.UTF_8));
        assertThat(HAND.tokenBytes(3 + 0x41)).containsExactly(0x41);
    }

    @Test
    void decodeDropsOnlyThePrefixSpaceAndRepairsBrokenUtf8() {
        assertThat(HAND.decode(HAND.encode("  a", false))).isEqualTo("  a");
        assertThat(HAND.decode(new int[] {SPACE_A, 3 + 0xC3})).isEqualTo("a\uFFFD");
        assertThat(HAND.decode(HAND.encode("x\uD800y", false))).isEqualTo("x\uFFFDy");
        assertThatThrownBy(() -> HAND.decode(new int[] {9999})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metaspaceSplitKeepsWordsApartAndPrefixesOnlyWhenMissing() {
        VocabularyData v = handVocabulary(true);
        TokenType[] types = new TokenType[v.tokens().size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = TokenType.fromGguf(v.tokenTypes()[i]);
        }
        var options = new SentencePieceBpeTokenizer.Options(SentencePieceBpeTokenizer.SpacePrefix.FIRST_SEGMENT, true,
                true, true, false, false);
        Tokenizer metaspace = SentencePieceBpeTokenizer.fromScores(v.tokens(), v.scores(), types, 1, 2, 0, true, options);
        assertThat(metaspace.encode("abc", false)).containsExactly(SPACE_ABC);
        assertThat(metaspace.encode(" abc", false)).containsExactly(SPACE_ABC);
        // "▁ab" after a special token gets no prefix under the "first" scheme.
        assertThat(metaspace.encode("<s>ab", true)).containsExactly(1, AB);
        assertThat(metaspace.encode("a  b", false)).containsExactly(SPACE_A, SPACE, SPACE, B);
    }

    /** tok512's SentencePiece pieces, as a GGUF "llama" vocabulary would hold them. */
    private static VocabularyData stories() throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(SharedData.require("models/stories260K/tok512.bin")))
                .order(ByteOrder.LITTLE_ENDIAN);
        in.getInt();
        List<String> tokens = new ArrayList<>();
        float[] scores = new float[512];
        int[] types = new int[512];
        for (int i = 0; i < 512; i++) {
            scores[i] = in.getFloat();
            byte[] piece = new byte[in.getInt()];
            in.get(piece);
            tokens.add(new String(piece, StandardCharsets.UTF_8).replace(' ', '▁'));
            types[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1;
        }
        tokens.set(1, "<s>");
        tokens.set(2, "</s>");
        return new VocabularyData("llama", null, tokens, scores, types, List.of(), 1, 2, 0, -1, true, false, true);
    }

    @Test
    void scoresAndEquivalentMergeRanksAgreeWithAPlainTranscriptionOnRandomText() throws IOException {
        VocabularyData v = stories();
        Tokenizer fromScores = Tokenizers.fromVocabulary(v);
        TokenType[] types = new TokenType[512];
        for (int i = 0; i < 512; i++) {
            types[i] = TokenType.fromGguf(v.tokenTypes()[i]);
        }
        Tokenizer fromMerges = SentencePieceBpeTokenizer.fromMerges(v.tokens(), types, mergesByScore(v), 1, 2, 0,
                true, SentencePieceBpeTokenizer.Options.sentencePiece(true));
        Random random = new Random(3);
        for (int trial = 0; trial < 2000; trial++) {
            String text = RandomText.of(random, 25);
            int[] expected = plainSentencePiece(v, text);
            assertThat(fromScores.encode(text, false)).as("scores: %s", text).containsExactly(expected);
            assertThat(fromMerges.encode(text, false)).as("merges: %s", text).containsExactly(expected);
            // A literal '▁' in the text is indistinguishable from a space once encoded (as in SentencePiece).
            assertThat(fromScores.decode(expected)).as("round trip of %s", text).isEqualTo(text.replace('▁', ' '));
        }
    }

    /** Merge rules the way HF's SentencePiece converter derives them: every split of a piece, best piece first. */
    private static List<String[]> mergesByScore(VocabularyData v) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < v.tokens().size(); i++) {
            ids.putIfAbsent(v.tokens().get(i), i);
        }
        List<String[]> merges = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < v.tokens().size(); i++) {
            String piece = v.tokens().get(i);
            for (int k = 1; v.tokenTypes()[i] == 1 && k < piece.length(); k++) {
                if (ids.containsKey(piece.substring(0, k)) && ids.containsKey(piece.substring(k))) {
                    merges.add(new String[] {piece.substring(0, k), piece.substring(k)});
                    owners.add(i);
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < merges.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> -v.scores()[owners.get(i)]));
        return order.stream().map(merges::get).toList();
    }

    /** SentencePiece BPE as plainly as possible: rescan for the best-scoring adjacent pair after every merge. */
    private static int[] plainSentencePiece(VocabularyData v, String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String spaced = "▁" + text.replace(' ', '▁');
        List<String> symbols = new ArrayList<>(spaced.codePoints().mapToObj(Character::toString).toList());
        while (true) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                int id = v.tokens().indexOf(symbols.get(i) + symbols.get(i + 1));
                if (id >= 0 && v.tokenTypes()[id] == 1 && v.scores()[id] > bestScore) {
                    bestScore = v.scores()[id];
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
        List<Integer> ids = new ArrayList<>();
        for (String symbol : symbols) {
            int id = v.tokens().indexOf(symbol);
            if (id >= 0) {
                ids.add(id);
            } else {
                for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                    ids.add(3 + (b & 0xFF));
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
