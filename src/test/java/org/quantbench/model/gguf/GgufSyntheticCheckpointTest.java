package org.quantbench.model.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.TensorNames;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tiny hand-assembled llama/qwen2 GGUFs (dim 8, 2 layers, 2 heads, 1 KV head, vocab 6) for config and checks. */
class GgufSyntheticCheckpointTest {
    @TempDir
    Path dir;

    /** Every tensor of the tiny model whose name passes {@code include}; F32, ggml shapes. */
    static TestGguf tinyModel(String arch, boolean qwenBiases, Predicate<String> include) {
        TestGguf g = new TestGguf()
                .str("general.architecture", arch)
                .u32(arch + ".embedding_length", 8)
                .u32(arch + ".feed_forward_length", 16)
                .u32(arch + ".block_count", 2)
                .u32(arch + ".attention.head_count", 2)
                .u32(arch + ".attention.head_count_kv", 1)
                .u32(arch + ".context_length", 32)
                .f32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f);
        float seed = 0;
        addIf(g, include, TensorNames.TOKEN_EMBD, seed++, 8, 6);
        addIf(g, include, TensorNames.OUTPUT_NORM, seed++, 8);
        for (int l = 0; l < 2; l++) {
            addIf(g, include, TensorNames.attnNorm(l), seed++, 8);
            addIf(g, include, TensorNames.attnQ(l), seed++, 8, 8);
            addIf(g, include, TensorNames.attnK(l), seed++, 8, 4);
            addIf(g, include, TensorNames.attnV(l), seed++, 8, 4);
            addIf(g, include, TensorNames.attnOutput(l), seed++, 8, 8);
            addIf(g, include, TensorNames.ffnNorm(l), seed++, 8);
            addIf(g, include, TensorNames.ffnGate(l), seed++, 8, 16);
            addIf(g, include, TensorNames.ffnUp(l), seed++, 8, 16);
            addIf(g, include, TensorNames.ffnDown(l), seed++, 16, 8);
            if (qwenBiases) {
                addIf(g, include, TensorNames.attnQBias(l), seed++, 8);
                addIf(g, include, TensorNames.attnKBias(l), seed++, 4);
                addIf(g, include, TensorNames.attnVBias(l), seed++, 4);
            }
        }
        return g;
    }

    private static void addIf(TestGguf g, Predicate<String> include, String name, float seed, long... ne) {
        if (include.test(name)) {
            g.f32Tensor(name, seed, ne);
        }
    }

    @Test
    void llamaConfigWithDefaults() throws IOException {
        Path file = tinyModel("llama", false, n -> true).write(dir.resolve("tiny.gguf"));
        try (GgufCheckpoint c = GgufCheckpoint.open(file)) {
            ModelConfig config = c.config();
            assertThat(config.architecture()).isEqualTo("LlamaForCausalLM");
            assertThat(config.dim()).isEqualTo(8);
            assertThat(config.hiddenDim()).isEqualTo(16);
            assertThat(config.nLayers()).isEqualTo(2);
            assertThat(config.nKvHeads()).isEqualTo(1);
            assertThat(config.headDim()).isEqualTo(4);
            assertThat(config.vocabSize()).isEqualTo(6); // no tokenizer: token_embd rows
            assertThat(config.ropeTheta()).isEqualTo(10000f);
            assertThat(config.normEps()).isEqualTo(1e-6f);
            assertThat(config.ropeLayout()).isEqualTo(RopeLayout.INTERLEAVED);
            assertThat(config.tiedEmbeddings()).isTrue();
            assertThat(c.tokenizer()).isEmpty();
            assertThat(c.tensors()).hasSize(2 + 2 * 9);
            assertThat(c.tensor(TensorNames.attnK(1)).rows()).isEqualTo(4);
            assertThat(c.tensor(TensorNames.OUTPUT_NORM).toFloatArray()[1]).isEqualTo(1 + 1 / 64f);
        }
    }

    @Test
    void qwen2HasBiasesAndRotateHalf() throws IOException {
        Path file = tinyModel("qwen2", true, n -> true).f32Tensor(TensorNames.OUTPUT, 99, 8, 6)
                .f32("qwen2.rope.freq_base", 1_000_000f).write(dir.resolve("qwen.gguf"));
        try (GgufCheckpoint c = GgufCheckpoint.open(file)) {
            assertThat(c.config().architecture()).isEqualTo("Qwen2ForCausalLM");
            assertThat(c.config().qkvBias()).isTrue();
            assertThat(c.config().ropeLayout()).isEqualTo(RopeLayout.HALF);
            assertThat(c.config().tiedEmbeddings()).isFalse();
            assertThat(c.config().ropeTheta()).isEqualTo(1_000_000f);
        }
    }

    @Test
    void unsupportedArchitectureIsNamed() throws IOException {
        Path file = tinyModel("gemma", false, n -> true).write(dir.resolve("gemma.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(file)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("gemma.gguf").hasMessageContaining("unsupported architecture gemma");
    }

    @Test
    void missingAndMisshapenTensorsAreNamed() throws IOException {
        Path missing = tinyModel("llama", false, n -> !n.equals(TensorNames.ffnUp(1))).write(dir.resolve("a.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(missing)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("blk.1.ffn_up.weight").hasMessageContaining("missing");
        Path misshapen = tinyModel("llama", false, n -> !n.equals(TensorNames.attnK(0)))
                .f32Tensor(TensorNames.attnK(0), 0, 8, 8).write(dir.resolve("b.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(misshapen)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("blk.0.attn_k.weight").hasMessageContaining("[8, 8]")
                .hasMessageContaining("[8, 4]");
        Path qwenWithoutBias = tinyModel("qwen2", true, n -> !n.equals(TensorNames.attnVBias(1)))
                .write(dir.resolve("c.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(qwenWithoutBias)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("blk.1.attn_v.bias");
        Path extra = tinyModel("llama", true, n -> true).write(dir.resolve("d.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(extra)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("blk.0.attn_q.bias").hasMessageContaining("not part of");
    }

    @Test
    void undecodableTensorTypesFailAtOpen() throws IOException {
        Path file = tinyModel("llama", false, n -> !n.equals(TensorNames.ffnDown(0)))
                .tensor(TensorNames.ffnDown(0), 13, new byte[8 * 176], 256, 8).write(dir.resolve("k.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(file)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("blk.0.ffn_down.weight").hasMessageContaining("Q5_K (id 13)");
    }

    @Test
    void inconsistentHeadsAreAFormatError() throws IOException {
        Path file = tinyModel("llama", false, n -> true).u32("llama.attention.key_length", 3).write(dir.resolve("h.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(file)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("h.gguf").hasMessageContaining("head_dim 3 is odd");
    }

    @Test
    void vocabularySizeComesFromTheTokens() throws IOException {
        Path file = tinyModel("llama", false, n -> true).str("tokenizer.ggml.model", "llama")
                .strings("tokenizer.ggml.tokens", List.of("<unk>", "<s>", "</s>", "a", "b", "c"))
                .write(dir.resolve("v.gguf"));
        try (GgufCheckpoint c = GgufCheckpoint.open(file)) {
            assertThat(c.config().vocabSize()).isEqualTo(6);
            assertThat(c.file().vocabulary().addBos()).isTrue(); // SentencePiece defaults
            assertThat(c.file().vocabulary().addSpacePrefix()).isTrue();
            assertThat(c.file().vocabulary().bosId()).isEqualTo(-1);
        }
        Path mismatch = tinyModel("llama", false, n -> true).str("tokenizer.ggml.model", "gpt2")
                .strings("tokenizer.ggml.tokens", List.of("a", "b", "c")).write(dir.resolve("w.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(mismatch)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("token_embd.weight").hasMessageContaining("[8, 3]");
    }

    @Test
    void llama3RopeFrequencyFactorsBecomeRopeScaling() throws IOException {
        // head dim 4: two rotation pairs; theta 1e7 puts pair 1 (wavelength 2*pi*sqrt(1e7) = 19869) beyond
        // the low-frequency wavelength 8192, so its divisor is the factor; pair 0 (wavelength 2*pi) keeps 1.
        float[] factors = {1f, 32f};
        Path file = tinyModel("llama", false, n -> true).f32("llama.rope.freq_base", 1e7f)
                .tensor("rope_freqs.weight", 0, floats(factors), 2).write(dir.resolve("l3.gguf"));
        try (GgufCheckpoint c = GgufCheckpoint.open(file)) {
            assertThat(c.config().ropeScaling().type()).isEqualTo("llama3");
            assertThat(c.config().ropeScaling().factor()).isEqualTo(32);
            assertThat(c.config().ropeScaling().lowFreqFactor()).isEqualTo(1);
            assertThat(c.config().ropeScaling().highFreqFactor()).isEqualTo(4);
            assertThat(c.config().ropeScaling().originalMaxPositions()).isEqualTo(8192);
        }
        Path custom = tinyModel("llama", false, n -> true).f32("llama.rope.freq_base", 1e7f)
                .tensor("rope_freqs.weight", 0, floats(new float[] {2f, 32f}), 2).write(dir.resolve("c.gguf"));
        assertThatThrownBy(() -> GgufCheckpoint.open(custom)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("rope_freqs.weight").hasMessageContaining("not supported");
    }

    @Test
    void llama3DivisorsMatchTheConverterFormula() {
        var s = new org.quantbench.model.RopeScaling("llama3", 8, 1, 4, 8192);
        // Llama 3.1 8B: theta 500000, head dim 128. Expected values from the formula of llama.cpp's converter,
        // run offline in python (float32 frequencies, float64 arithmetic).
        assertThat(s.frequencyDivisor(500000, 0, 128)).isEqualTo(1.0);
        assertThat(s.frequencyDivisor(500000, 28, 128)).isEqualTo(1.0);
        assertThat(s.frequencyDivisor(500000, 32, 128)).isCloseTo(2.6945300102233887, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(s.frequencyDivisor(500000, 34, 128)).isCloseTo(5.257327079772949, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(s.frequencyDivisor(500000, 35, 128)).isEqualTo(8.0);
        assertThat(s.frequencyDivisor(500000, 63, 128)).isEqualTo(8.0);
    }

    private static byte[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }
}
