package org.quantbench.export.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.gguf.GgufFile;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.model.tokenizer.Tokenizers;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HfTokenizerFilesTest {

    @Test
    void smolLm2ByteLevelTokenizerReadsBackFromTokenizerJsonWithTheSameIds(@TempDir Path folder) throws IOException {
        Path gguf = SharedData.require("models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf");
        Tokenizer original;
        try (GgufFile file = GgufFile.open(gguf)) {
            original = Tokenizers.fromVocabulary(file.vocabulary(), gguf);
        }
        HfTokenizerFiles.of(original).orElseThrow().write(folder, 8192);
        // HF tokenizers takes an added token's id from the model vocab (and invents one past it when missing),
        // so special tokens must be in model.vocab at their ids as well.
        var vocab = new ObjectMapper().readTree(folder.resolve(HfTokenizerFiles.TOKENIZER_JSON).toFile()).path("model").path("vocab");
        assertThat(vocab.path("<|im_start|>").asInt(-1)).isEqualTo(1);
        assertThat(vocab.path("<|endoftext|>").asInt(-1)).isZero();
        assertThat(vocab.size()).isEqualTo(original.vocabSize());
        Tokenizer reread = Tokenizers.fromHfFolder(folder);
        assertThat(reread.vocabSize()).isEqualTo(original.vocabSize());
        assertThat(reread.bosId()).isEqualTo(original.bosId());
        assertThat(reread.eosId()).isEqualTo(original.eosId());
        assertThat(reread.addBos()).isEqualTo(original.addBos());
        for (String text : List.of("The capital of France is", "<|im_start|>user\nWhat is 12345 * 678?<|im_end|>",
                "  spaces\t\ttabs\n\nnewlines  ", "ünïcödé 日本語 🤖 e\u0301", "I'm sure they'll've done it")) {
            assertThat(reread.encode(text, true)).as(text).containsExactly(original.encode(text, true));
            assertThat(reread.encode(text, false)).as(text).containsExactly(original.encode(text, false));
        }
    }

    @Test
    void sentencePieceTokenizersAreNotWritten() {
        Tokenizer llama2c = Tokenizers.fromLlama2cFile(SharedData.require("models/stories260K/tok512.bin"), 512);
        assertThat(HfTokenizerFiles.of(llama2c)).isEmpty();
    }
}
