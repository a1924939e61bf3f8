package org.quantbench.model.hf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.TensorNames;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HfFolderCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void opensALlamaFolderUnderCanonicalNames() throws IOException {
        TinyHfFolder folder = TinyHfFolder.llama();
        folder.write(dir);
        Files.writeString(dir.resolve("generation_config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": [2, 3, \"x\"]}");
        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(dir)) {
            ModelConfig c = ckpt.config();
            assertThat(c.architecture()).isEqualTo("LlamaForCausalLM");
            assertThat(c.dim()).isEqualTo(8);
            assertThat(c.hiddenDim()).isEqualTo(12);
            assertThat(c.nLayers()).isEqualTo(2);
            assertThat(c.nHeads()).isEqualTo(4);
            assertThat(c.nKvHeads()).isEqualTo(2);
            assertThat(c.headDim()).isEqualTo(2);
            assertThat(c.vocabSize()).isEqualTo(10);
            assertThat(c.maxSeqLen()).isEqualTo(32);
            assertThat(c.normEps()).isEqualTo(1e-5f);
            assertThat(c.ropeTheta()).isEqualTo(500000f);
            assertThat(c.ropeScaling().isNone()).isTrue();
            assertThat(c.ropeLayout()).isEqualTo(RopeLayout.HALF);
            assertThat(c.tiedEmbeddings()).isFalse();
            assertThat(c.qkvBias()).isFalse();

            assertThat(ckpt.format()).isEqualTo("safetensors");
            assertThat(ckpt.source()).isEqualTo(dir.toAbsolutePath().normalize());
            assertThat(ckpt.fileBytes()).isEqualTo(Files.size(dir.resolve("model.safetensors")));
            assertThat(ckpt.weightFiles()).containsExactly(dir.toAbsolutePath().normalize().resolve("model.safetensors"));
            assertThat(ckpt.tensors()).hasSize(folder.tensors.size());
            assertThat(ckpt.tensors()).extracting(WeightTensor::name).startsWith(TensorNames.TOKEN_EMBD, TensorNames.attnNorm(0));
            assertThat(ckpt.tokenizer()).isEmpty();
            assertThat(ckpt.generationConfig().bosTokenId()).hasValue(1);
            assertThat(ckpt.generationConfig().eosTokenIds()).containsExactly(2, 3);

            assertSameValues(ckpt, TensorNames.attnQ(1), "model.layers.1.self_attn.q_proj.weight", 8, 8);
            assertSameValues(ckpt, TensorNames.attnK(0), "model.layers.0.self_attn.k_proj.weight", 4, 8);
            assertSameValues(ckpt, TensorNames.attnOutput(1), "model.layers.1.self_attn.o_proj.weight", 8, 8);
            assertSameValues(ckpt, TensorNames.ffnDown(0), "model.layers.0.mlp.down_proj.weight", 8, 12);
            assertSameValues(ckpt, TensorNames.ffnGate(1), "model.layers.1.mlp.gate_proj.weight", 12, 8);
            assertSameValues(ckpt, TensorNames.ffnUp(1), "model.layers.1.mlp.up_proj.weight", 12, 8);
            assertSameValues(ckpt, TensorNames.ffnNorm(1), "model.layers.1.post_attention_layernorm.weight", 1, 8);
            assertSameValues(ckpt, TensorNames.attnNorm(1), "model.layers.1.input_layernorm.weight", 1, 8);
            assertSameValues(ckpt, TensorNames.OUTPUT_NORM, "model.norm.weight", 1, 8);
            assertSameValues(ckpt, TensorNames.OUTPUT, "lm_head.weight", 10, 8);
            assertSameValues(ckpt, TensorNames.TOKEN_EMBD, "model.embed_tokens.weight", 10, 8);
            assertThat(ckpt.hasTensor(TensorNames.attnQBias(0))).isFalse();
            assertThatThrownBy(() -> ckpt.tensor("blk.9.attn_q.weight")).isInstanceOf(FileFormatException.class);
        }
    }

    private static void assertSameValues(HfFolderCheckpoint ckpt, String canonical, String hfName, int rows, int cols) {
        WeightTensor t = ckpt.tensor(canonical);
        assertThat(t.name()).isEqualTo(canonical);
        assertThat(t.rows()).isEqualTo(rows);
        assertThat(t.cols()).isEqualTo(cols);
        assertThat(t.toFloatArray()).containsExactly(TinyHfFolder.values(hfName, new long[] {rows, cols}));
    }

    @Test
    void shardedFoldersReadEveryShard() throws IOException {
        TinyHfFolder.llama().writeSharded(dir);
        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(dir)) {
            assertThat(ckpt.weightFiles()).extracting(p -> p.getFileName().toString())
                    .containsExactly("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
            assertThat(ckpt.tensors()).hasSize(TinyHfFolder.llama().tensors.size());
            assertThat(ckpt.tensor(TensorNames.OUTPUT).toFloatArray())
                    .containsExactly(TinyHfFolder.values("lm_head.weight", new long[] {10, 8}));
            assertThat(ckpt.tensor(TensorNames.TOKEN_EMBD).toFloatArray())
                    .containsExactly(TinyHfFolder.values("model.embed_tokens.weight", new long[] {10, 8}));
            assertThat(ckpt.fileBytes()).isEqualTo(Files.size(dir.resolve("model-00001-of-00002.safetensors"))
                    + Files.size(dir.resolve("model-00002-of-00002.safetensors")));
        }
    }

    @Test
    void missingLmHeadWithTieUnspecifiedMeansTied() throws IOException {
        TinyHfFolder folder = TinyHfFolder.llama();
        folder.tensors.remove("lm_head.weight");
        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(folder.write(dir))) {
            assertThat(ckpt.config().tiedEmbeddings()).isTrue();
            assertThat(ckpt.hasTensor(TensorNames.OUTPUT)).isFalse();
        }
    }

    @Test
    void explicitTieDropsAStoredLmHead() throws IOException {
        TinyHfFolder folder = TinyHfFolder.llama();
        folder.config.put("tie_word_embeddings", true);
        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(folder.write(dir))) {
            assertThat(ckpt.config().tiedEmbeddings()).isTrue();
            assertThat(ckpt.hasTensor(TensorNames.OUTPUT)).isFalse();
            assertThat(ckpt.tensors()).hasSize(folder.tensors.size() - 1);
        }
    }

    @Test
    void explicitlyUntiedWithoutLmHeadIsAMissingTensor() throws IOException {
        TinyHfFolder folder = TinyHfFolder.llama();
        folder.config.put("tie_word_embeddings", false);
        folder.tensors.remove("lm_head.weight");
        folder.write(dir);
        assertThatThrownBy(() -> HfFolderCheckpoint.open(dir))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("lm_head.weight")
                .hasMessageContaining("missing");
    }

    @Test
    void qwen2HasQkvBiases() throws IOException {
        TinyHfFolder folder = new TinyHfFolder("Qwen2ForCausalLM");
        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(folder.write(dir))) {
            assertThat(ckpt.config().qkvBias()).isTrue();
            WeightTensor bias = ckpt.tensor(TensorNames.attnKBias(1));
            assertThat(bias.rows()).isEqualTo(1);
            assertThat(bias.cols()).isEqualTo(4);
            assertThat(bias.toFloatArray()).containsExactly(TinyHfFolder.values("model.layers.1.self_attn.k_proj.bias", new long[] {4}));
        }
        folder.tensors.remove("model.layers.1.self_attn.v_proj.bias");
        folder.write(dir);
        assertThatThrownBy(() -> HfFolderCheckpoint.open(dir))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("model.layers.1.self_attn.v_proj.bias")
                .hasMessageContaining("missing");
    }

    @Test
    void acceptsHalfPrecisionWeightsAndSkipsRotaryBuffers() throws IOException {
        TinyHfFolder folder = TinyHfFolder.llama();
        folder.dtypes.put("model.layers.0.mlp.up_proj.weight", "BF16");
        folder.dtypes.put("model.layers.1.mlp.up_proj.weight", "F16");
        folder.tensors.put("model.layers.0.self_attn.rotary_emb.inv_freq", new long[] {1});
        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(folder.write(dir))) {
            assertThat(ckpt.tensor(TensorNames.ffnUp(0)).dtype()).isEqualTo(DType.BF16);
            assertThat(ckpt.tensor(TensorNames.ffnUp(1)).dtype()).isEqualTo(DType.F16);
            assertThat(ckpt.tensors()).hasSize(folder.tensors.size() - 1);
        }
    }

    @Test
    void refusesTensorsThatDoNotFitTheConfig() throws IOException {
        TinyHfFolder reshaped = TinyHfFolder.llama();
        reshaped.tensors.put("model.layers.1.mlp.down_proj.weight", new long[] {12, 8});
        assertOpenFails(reshaped, "model.layers.1.mlp.down_proj.weight", "[12, 8]", "[8, 12]");

        TinyHfFolder extraLayer = TinyHfFolder.llama();
        extraLayer.tensors.put("model.layers.2.input_layernorm.weight", new long[] {8});
        assertOpenFails(extraLayer, "model.layers.2.input_layernorm.weight", "2 layers");

        TinyHfFolder foreign = TinyHfFolder.llama();
        foreign.tensors.put("model.layers.0.self_attn.o_proj.bias", new long[] {8});
        assertOpenFails(foreign, "model.layers.0.self_attn.o_proj.bias", "LlamaForCausalLM");

        TinyHfFolder missing = TinyHfFolder.llama();
        missing.tensors.remove("model.layers.0.self_attn.k_proj.weight");
        assertOpenFails(missing, "model.layers.0.self_attn.k_proj.weight", "missing");

        TinyHfFolder quantized = TinyHfFolder.llama();
        quantized.dtypes.put("model.layers.1.self_attn.q_proj.weight", "I8");
        assertOpenFails(quantized, "model.layers.1.self_attn.q_proj.weight", "I8");

        TinyHfFolder flatNorm = TinyHfFolder.llama();
        flatNorm.tensors.put("model.norm.weight", new long[] {1, 8});
        assertOpenFails(flatNorm, "model.norm.weight", "[1, 8]");
    }

    private void assertOpenFails(TinyHfFolder folder, String... fragments) throws IOException {
        Path target = Files.createTempDirectory(dir, "case");
        folder.write(target);
        var thrown = assertThatThrownBy(() -> HfFolderCheckpoint.open(target)).isInstanceOf(FileFormatException.class);
        for (String fragment : fragments) {
            thrown.hasMessageContaining(fragment);
        }
    }

    @Test
    void readsConfigDefaultsAndRopeScaling() throws IOException {
        TinyHfFolder folder = TinyHfFolder.llama();
        folder.config.remove("num_key_value_heads");
        folder.config.remove("rope_theta");
        folder.config.remove("rms_norm_eps");
        folder.config.put("rope_scaling", Map.of("rope_type", "llama3", "factor", 32.0, "low_freq_factor", 1.0,
                "high_freq_factor", 4.0, "original_max_position_embeddings", 8192));
        HfConfig config = HfConfig.read(folder.writeConfig(dir));
        ModelConfig m = config.model();
        assertThat(m.nKvHeads()).isEqualTo(4);
        assertThat(m.headDim()).isEqualTo(2);
        assertThat(m.ropeTheta()).isEqualTo(10000f);
        assertThat(m.normEps()).isEqualTo(1e-6f);
        assertThat(m.ropeScaling().type()).isEqualTo("llama3");
        assertThat(m.ropeScaling().factor()).isEqualTo(32.0);
        assertThat(m.ropeScaling().lowFreqFactor()).isEqualTo(1.0);
        assertThat(m.ropeScaling().highFreqFactor()).isEqualTo(4.0);
        assertThat(m.ropeScaling().originalMaxPositions()).isEqualTo(8192);
        assertThat(config.tieWordEmbeddings()).isEmpty();
        assertThat(config.resolve(false).tiedEmbeddings()).isTrue();
        assertThat(config.resolve(true).tiedEmbeddings()).isFalse();
    }

    @Test
    void readsTransformers5RopeParametersAndExplicitHeadDim() throws IOException {
        TinyHfFolder folder = new TinyHfFolder("MistralForCausalLM");
        folder.config.remove("rope_theta");
        folder.config.put("head_dim", 4);
        folder.config.put("rope_scaling", null);
        folder.config.put("rope_parameters", Map.of("rope_type", "default", "rope_theta", 1e6));
        ModelConfig m = HfConfig.read(folder.writeConfig(dir)).model();
        assertThat(m.architecture()).isEqualTo("MistralForCausalLM");
        assertThat(m.headDim()).isEqualTo(4);
        assertThat(m.qDim()).isEqualTo(16);
        assertThat(m.ropeTheta()).isEqualTo(1e6f);
        assertThat(m.ropeScaling().isNone()).isTrue();
    }

    @Test
    void refusesUnsupportedModels() throws IOException {
        assertConfigRefused(Map.of("architectures", List.of("GPT2LMHeadModel")), "architectures", "unsupported architecture GPT2LMHeadModel");
        assertConfigRefused(Map.of("rope_scaling", Map.of("type", "yarn", "factor", 4.0)), "rope_scaling.type", "yarn");
        assertConfigRefused(Map.of("rope_scaling", Map.of("rope_type", "linear", "factor", 4.0)), "rope_scaling.rope_type", "linear");
        assertConfigRefused(Map.of("rope_scaling", Map.of("factor", 4.0)), "rope_scaling.rope_type", "missing");
        assertConfigRefused(Map.of("rope_scaling", Map.of("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0,
                "high_freq_factor", 4.0)), "rope_scaling.original_max_position_embeddings", "missing");
        assertConfigRefused(Map.of("quantization_config", Map.of("quant_method", "gptq")), "quantization_config", "gptq");
        assertConfigRefused(Map.of("hidden_act", "gelu"), "hidden_act", "gelu");
        assertConfigRefused(Map.of("attention_bias", true), "attention_bias", "not supported");
        assertConfigRefused(Map.of("num_key_value_heads", 3), "config", "multiple");
    }

    private void assertConfigRefused(Map<String, Object> overrides, String field, String reason) throws IOException {
        TinyHfFolder folder = TinyHfFolder.llama();
        folder.config.putAll(overrides);
        Path config = folder.writeConfig(dir);
        assertThatThrownBy(() -> HfConfig.read(config))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining(field)
                .hasMessageContaining(reason);
    }

    @Test
    void hfNamesTranslateBothWays() {
        for (String hf : TinyHfFolder.llama().tensors.keySet()) {
            String canonical = HfTensorNames.toCanonical(hf).orElseThrow();
            assertThat(HfTensorNames.toHf(canonical)).isEqualTo(hf);
        }
        assertThat(HfTensorNames.toCanonical("model.layers.01.input_layernorm.weight")).isEmpty();
        assertThat(HfTensorNames.toCanonical("model.layers.x.input_layernorm.weight")).isEmpty();
        assertThat(HfTensorNames.toCanonical("model.layers.3.self_attn.q_proj.bias")).hasValue(TensorNames.attnQBias(3));
        assertThatThrownBy(() -> HfTensorNames.toHf("blk.0.unknown.weight")).isInstanceOf(IllegalArgumentException.class);
    }
}
