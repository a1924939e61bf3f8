package org.quantbench.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.quantbench.model.gguf.GgufFile;
import org.quantbench.testing.SharedData;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Tokenizer#vocabulary()}: a tokenizer written as GGUF metadata and rebuilt from it encodes the same. */
class TokenizerVocabularyTest {

    @Test
    void llama2cTokenizerBecomesASentencePieceVocabularyThatEncodesLikeRunC() {
        Tokenizer original = Tokenizers.fromLlama2cFile(SharedData.require("models/stories260K/tok512.bin"), 512);
        VocabularyData data = original.vocabulary().orElseThrow();
        assertThat(data.model()).isEqualTo("llama");
        assertThat(data.tokens()).hasSize(512);
        assertThat(data.tokenTypes()[0]).isEqualTo(TokenType.UNKNOWN.ordinal());
        assertThat(data.tokenTypes()[1]).isEqualTo(TokenType.CONTROL.ordinal());
        assertThat(data.tokenTypes()[2]).isEqualTo(TokenType.CONTROL.ordinal());
        assertThat(data.tokens().get(3 + 'A')).isEqualTo("<0x41>");
        assertThat(data.tokenTypes()[3 + 'A']).isEqualTo(TokenType.BYTE.ordinal());
        assertThat(data.tokens()).allSatisfy(t -> assertThat(t).doesNotContain(" "));
        assertThat(List.of(data.bosId(), data.eosId(), data.unkId())).containsExactly(1, 2, 0);
        assertThat(data.addBos()).isTrue();
        assertThat(data.addSpacePrefix()).isTrue();

        Tokenizer rebuilt = Tokenizers.fromVocabulary(data);
        assertThat(rebuilt).isInstanceOf(SentencePieceBpeTokenizer.class);
        assertThat(rebuilt.encodeForModel("Once upon a time")).containsExactly(1, 403, 407, 261, 378);
        assertSameEncodings(original, rebuilt, 7);
        // And the SentencePiece tokenizer gives the same data back.
        VocabularyData again = rebuilt.vocabulary().orElseThrow();
        assertThat(again.tokens()).isEqualTo(data.tokens());
        assertThat(again.scores()).isEqualTo(data.scores());
        assertThat(again.tokenTypes()).isEqualTo(data.tokenTypes());
    }

    @Test
    void smolLm2ByteLevelVocabularyRoundTrips() {
        Path gguf = SharedData.require("models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf");
        VocabularyData stored;
        try (GgufFile file = GgufFile.open(gguf)) {
            stored = file.vocabulary();
        }
        Tokenizer original = Tokenizers.fromVocabulary(stored);
        VocabularyData data = original.vocabulary().orElseThrow();
        assertThat(data.model()).isEqualTo("gpt2");
        assertThat(data.pre()).isEqualTo("smollm");
        assertThat(data.tokens()).isEqualTo(stored.tokens());
        assertThat(data.tokenTypes()).isEqualTo(stored.tokenTypes());
        assertThat(data.merges()).isEqualTo(stored.merges());
        assertThat(List.of(data.bosId(), data.eosId(), data.addBos() ? 1 : 0))
                .containsExactly(stored.bosId(), stored.eosId(), stored.addBos() ? 1 : 0);
        assertSameEncodings(original, Tokenizers.fromVocabulary(data), 11);
    }

    @Test
    void byteLevelPreTokenizersBuiltStepByStepAreRecognisedByName() {
        List<String> tokens = List.of("a", "b", "ab", "1");
        TokenType[] types = {TokenType.NORMAL, TokenType.NORMAL, TokenType.NORMAL, TokenType.NORMAL};
        List<String[]> merges = List.<String[]>of(new String[] {"a", "b"});
        PreTokenizer smollmFromJson = new PreTokenizer.Sequence(List.of(
                PreTokenizer.RegexSplit.isolating("\\p{N}"), PreTokenizer.gpt2()));
        PreTokenizer llama3FromJson = new PreTokenizer.Sequence(List.of(new PreTokenizer.RegexSplit(
                PreTokenizer.RegexSplit.compile(PreTokenizer.LLAMA3_PATTERN), PreTokenizer.Behavior.ISOLATED, false)));

        assertThat(byteLevel(tokens, types, merges, smollmFromJson, false).vocabulary().orElseThrow().pre())
                .isEqualTo("smollm");
        assertThat(byteLevel(tokens, types, merges, llama3FromJson, true).vocabulary().orElseThrow().pre())
                .isEqualTo("llama-bpe");
        // GGUF readers infer ignore_merges from the name, so a llama3 split that merges fully cannot be written.
        assertThat(byteLevel(tokens, types, merges, llama3FromJson, false).vocabulary()).isEmpty();
        PreTokenizer custom = PreTokenizer.RegexSplit.isolating("\\s+");
        assertThat(byteLevel(tokens, types, merges, custom, false).vocabulary()).isEmpty();
        List<String[]> spacedLeft = List.<String[]>of(new String[] {"a b", "c"});
        List<String> spacedTokens = List.of("a b", "c", "a bc");
        TokenType[] three = {TokenType.NORMAL, TokenType.NORMAL, TokenType.NORMAL};
        assertThat(byteLevel(spacedTokens, three, spacedLeft, PreTokenizer.gpt2(), false).vocabulary()).isEmpty();
    }

    @Test
    void sentencePieceFromMergeRanksOrMetaspaceOptionsHasNoGgufForm() {
        List<String> tokens = List.of("<unk>", "\u2581", "a", "\u2581a");
        TokenType[] types = {TokenType.UNKNOWN, TokenType.NORMAL, TokenType.NORMAL, TokenType.NORMAL};
        float[] scores = {0, -1, -2, -3};
        var plain = SentencePieceBpeTokenizer.Options.sentencePiece(true);
        assertThat(SentencePieceBpeTokenizer.fromScores(tokens, scores, types, -1, -1, 0, false, plain).vocabulary())
                .hasValueSatisfying(v -> assertThat(v.scores()).containsExactly(scores));
        var metaspace = new SentencePieceBpeTokenizer.Options(SentencePieceBpeTokenizer.SpacePrefix.FIRST_SEGMENT,
                true, true, true, false, false);
        assertThat(SentencePieceBpeTokenizer.fromScores(tokens, scores, types, -1, -1, 0, false, metaspace).vocabulary())
                .isEmpty();
        assertThat(SentencePieceBpeTokenizer.fromMerges(tokens, types, List.<String[]>of(new String[] {"\u2581", "a"}),
                -1, -1, 0, false, plain).vocabulary()).isEmpty();
    }

    @Test
    void llama2cVocabularyThatSentencePieceWouldMergeDifferentlyHasNoGgufForm() {
        // "ab" is a piece but "a" is not: run.c never reaches "ab" from text, SentencePiece would.
        List<byte[]> pieces = new java.util.ArrayList<>();
        for (String p : new String[] {"<unk>", "<s>", "</s>"}) {
            pieces.add(p.getBytes());
        }
        for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b).getBytes());
        }
        pieces.add(" ".getBytes());
        pieces.add("b".getBytes());
        pieces.add("ab".getBytes());
        float[] scores = new float[pieces.size()];
        assertThat(new Llama2cTokenizer(pieces, scores).vocabulary()).isEmpty();
        pieces.add("a".getBytes());
        assertThat(new Llama2cTokenizer(pieces, new float[pieces.size()]).vocabulary()).isPresent();
    }

    private static ByteLevelBpeTokenizer byteLevel(List<String> tokens, TokenType[] types, List<String[]> merges,
                                                   PreTokenizer pre, boolean ignoreMerges) {
        return new ByteLevelBpeTokenizer(tokens, types, merges, pre, ignoreMerges, -1, -1, false);
    }

    /**
     * Same ids on fixed and random texts. Texts with a literal U+2581 are left out: SentencePiece reads it as a
     * space (so does llama.cpp), where run.c encodes its bytes.
     */
    private static void assertSameEncodings(Tokenizer expected, Tokenizer actual, long seed) {
        List<String> fixed = List.of("", " ", "Once upon a time, there was a little girl", "  two  spaces ",
                "The capital of France is", "digits 1234567 and 3.14", "ünïcödé 日本語 🤖", "line\nbreak\r\n\ttab");
        for (String text : fixed) {
            assertThat(actual.encode(text, false)).as("ids of '%s'", text).containsExactly(expected.encode(text, false));
        }
        Random random = new Random(seed);
        for (int i = 0; i < 400; i++) {
            String text = RandomText.of(random, 12);
            if (!text.contains("\u2581")) {
                assertThat(actual.encode(text, false)).as("ids of '%s'", text)
                        .containsExactly(expected.encode(text, false));
            }
        }
    }
}
