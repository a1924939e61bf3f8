package org.quantbench.workbench.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.ModelConfig;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelShapesTest {
    @TempDir
    Path dir;

    @Test
    void aConfigJsonAloneGivesTheShapeOfAModelWhoseWeightsAreNotHere() throws IOException {
        // Llama-3.1-405B's config.json, as published (the fields the shape needs)
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 16384, "intermediate_size": 53248,
                 "num_hidden_layers": 126, "num_attention_heads": 128, "num_key_value_heads": 8,
                 "vocab_size": 128256, "max_position_embeddings": 131072, "rms_norm_eps": 1e-05,
                 "rope_theta": 500000.0, "tie_word_embeddings": false, "hidden_act": "silu",
                 "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                  "original_max_position_embeddings": 8192, "rope_type": "llama3"}}
                """);
        ModelConfig fromFile = ModelShapes.read(config);
        assertThat(fromFile.parameterCount()).isEqualTo(ModelPresets.byName("Llama-3.1-405B").orElseThrow().config()
                .parameterCount());
        assertThat(ModelShapes.read(dir).parameterCount()).isEqualTo(fromFile.parameterCount());
    }

    @Test
    void aGgufHeaderGivesTheShapeOfTheSharedSmolLm() {
        Path gguf = SharedData.require("models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf");
        assertThat(ModelShapes.read(gguf).parameterCount())
                .isEqualTo(ModelPresets.byName("SmolLM2-135M").orElseThrow().config().parameterCount());
    }
}
