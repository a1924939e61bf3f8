package org.quantbench.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizersTest {
    private static final Path SOURCE = Path.of("model.gguf");

    private static VocabularyData gpt2(String pre, List<String> merges, int[] types) {
        return new VocabularyData("gpt2", pre, List.of("a", "b", "ab", "<|end|>"), new float[0], types, merges,
                -1, 3, -1, -1, false, false, false);
    }

    @Test
    void dispatchesOnTheGgufTokenizerModel() {
        Tokenizer byteLevel = Tokenizers.fromVocabulary(gpt2("smollm", List.of("a b"), new int[] {1, 1, 1, 3}));
        assertThat(byteLevel).isInstanceOf(ByteLevelBpeTokenizer.class);
        assertThat(byteLevel.encode("ab<|end|>", true)).containsExactly(2, 3);
        assertThat(byteLevel.eosId()).hasValue(3);
        assertThat(byteLevel.bosId()).isEmpty();

        VocabularyData llama = new VocabularyData("llama", null, List.of("<unk>", "▁", "x", "▁x"),
                new float[] {0, -1, -1, -2}, new int[0], List.of(), -1, -1, 0, -1, false, false, true);
        Tokenizer sentencePiece = Tokenizers.fromVocabulary(llama);
        assertThat(sentencePiece).isInstanceOf(SentencePieceBpeTokenizer.class);
        assertThat(sentencePiece.encode("x", false)).containsExactly(3);
    }

    @Test
    void unsupportedOrInconsistentVocabulariesNameTheField() {
        VocabularyData bert = new VocabularyData("bert", null, List.of("a"), new float[0], new int[0], List.of(),
                -1, -1, -1, -1, false, false, false);
        assertThatThrownBy(() -> Tokenizers.fromVocabulary(bert)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.model").hasMessageContaining("bert");
        assertThatThrownBy(() -> Tokenizers.fromVocabulary(bert, SOURCE)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("model.gguf").hasMessageContaining("bert");
        assertThatThrownBy(() -> Tokenizers.fromVocabulary(gpt2("mystery", List.of(), new int[0]), SOURCE))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("tokenizer.ggml.pre");
        assertThatThrownBy(() -> Tokenizers.fromVocabulary(gpt2("gpt2", List.of("ab"), new int[0])))
                .hasMessageContaining("tokenizer.ggml.merges");
        assertThatThrownBy(() -> Tokenizers.fromVocabulary(gpt2("gpt2", List.of(), new int[] {1, 9, 1, 1})))
                .hasMessageContaining("tokenizer.ggml.token_type");
        assertThatThrownBy(() -> Tokenizers.fromVocabulary(gpt2("gpt2", List.of(), new int[] {1})))
                .hasMessageContaining("tokenizer.ggml.token_type");
        VocabularyData noScores = new VocabularyData("llama", null, List.of("a"), new float[0], new int[0], List.of(),
                -1, -1, -1, -1, true, false, true);
        assertThatThrownBy(() -> Tokenizers.fromVocabulary(noScores)).hasMessageContaining("tokenizer.ggml.scores");
        VocabularyData badByte = new VocabularyData("llama", null, List.of("a"), new float[] {0}, new int[] {6},
                List.of(), -1, -1, -1, -1, true, false, true);
        assertThatThrownBy(() -> Tokenizers.fromVocabulary(badByte, SOURCE)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("byte token 0");
    }
}
