package org.quantbench.model;

import org.junit.jupiter.api.Test;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.testing.SharedData;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tokenizer named on the command line replaces the checkpoint's own, whatever the format. */
class CheckpointLoaderTokenizerTest {
    private static final String SMOLLM2 = "models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf";

    @Test
    void aGgufFileCanLendItsTokenizer() {
        Path gguf = SharedData.require(SMOLLM2);
        try (Checkpoint own = CheckpointLoader.open(gguf, null); Checkpoint lent = CheckpointLoader.open(gguf, gguf)) {
            assertThat(lent.tokenizer()).isPresent();
            assertThat(lent.tokenizer().get()).isNotSameAs(own.tokenizer().orElseThrow());
            assertThat(lent.tokenizer().get().encode("The capital of France is", false))
                    .containsExactly(own.tokenizer().get().encode("The capital of France is", false));
            assertThat(lent.config()).isEqualTo(own.config());
            assertThat(lent.format()).isEqualTo("gguf");
        }
    }

    @Test
    void aTokenizerFileThatDoesNotFitIsRefusedByName() {
        Path gguf = SharedData.require(SMOLLM2);
        Path tok512 = SharedData.require("models/stories260K/tok512.bin");
        // Read as a llama2.c tokenizer of the model's 49152 tokens, the 6 KB file is far too short.
        assertThatThrownBy(() -> CheckpointLoader.open(gguf, tok512))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("tok512.bin");
        assertThatThrownBy(() -> CheckpointLoader.open(gguf, gguf.resolveSibling("missing.json")))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("does not exist");
    }
}
