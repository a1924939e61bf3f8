package org.quantbench.export.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;
import org.quantbench.model.TensorNames;
import org.quantbench.model.hf.HfConfig;
import org.quantbench.model.hf.HfFolderCheckpoint;
import org.quantbench.model.safetensors.SafetensorsDType;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes tiny random Llama-family checkpoints as HF folders and opens them again with the HF reader. */
class HfFolderWriterTest {
    @TempDir
    Path dir;

    private static ModelConfig llama(RopeLayout layout, boolean tied) {
        return new ModelConfig("LlamaForCausalLM", 16, 24, 2, 4, 2, 4, 20, 64, 1e-5f, 500000f,
                new RopeScaling("llama3", 8, 1, 4, 8192), layout, tied, false);
    }

    @Test
    void convertsATinyRandomLlamaAndReadsItBack() throws IOException {
        ModelConfig config = llama(RopeLayout.HALF, false);
        try (InMemoryCheckpoint source = new InMemoryCheckpoint(config, 7)) {
            HfFolderWriter.write(source, dir, SafetensorsDType.F32, HfFolderWriter.DEFAULT_MAX_SHARD_BYTES);
            assertThat(dir.resolve("model.safetensors")).exists();
            try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(dir)) {
                assertThat(ckpt.config()).isEqualTo(config);
                assertThat(ckpt.tensors()).hasSameSizeAs(source.tensors());
                for (WeightTensor expected : source.tensors()) {
                    WeightTensor actual = ckpt.tensor(expected.name());
                    assertThat(actual.rows()).isEqualTo(expected.rows());
                    assertThat(actual.cols()).isEqualTo(expected.cols());
                    assertThat(actual.toFloatArray()).as(expected.name()).containsExactly(expected.toFloatArray());
                }
            }
        }
    }

    @Test
    void shardsAndRoundsToBf16() throws IOException {
        ModelConfig config = llama(RopeLayout.HALF, true);
        try (InMemoryCheckpoint source = new InMemoryCheckpoint(config, 8)) {
            var written = HfFolderWriter.write(source, dir, SafetensorsDType.BF16, 1500);
            assertThat(written.size()).isGreaterThan(3);
            assertThat(written.getLast().getFileName().toString()).isEqualTo("model.safetensors.index.json");
            assertThat(Files.readString(dir.resolve("config.json"))).contains("\"torch_dtype\" : \"bfloat16\"");
            try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(dir)) {
                assertThat(ckpt.config()).isEqualTo(config);
                assertThat(ckpt.hasTensor(TensorNames.OUTPUT)).isFalse();
                assertThat(ckpt.weightFiles()).hasSize(written.size() - 1);
                for (WeightTensor expected : source.tensors()) {
                    float[] want = expected.toFloatArray();
                    float[] got = ckpt.tensor(expected.name()).toFloatArray();
                    for (int i = 0; i < want.length; i++) {
                        assertThat(got[i]).isEqualTo(RowDecoders.bf16ToFloat(RowDecoders.floatToBf16(want[i])));
                    }
                }
            }
        }
    }

    @Test
    void reordersInterleavedQueryAndKeyRowsToRotateHalf() throws IOException {
        ModelConfig config = llama(RopeLayout.INTERLEAVED, false);
        try (InMemoryCheckpoint source = new InMemoryCheckpoint(config, 9)) {
            HfFolderWriter.write(source, dir, SafetensorsDType.F32, HfFolderWriter.DEFAULT_MAX_SHARD_BYTES);
            try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(dir)) {
                assertThat(ckpt.config().ropeLayout()).isEqualTo(RopeLayout.HALF);
                int d = config.headDim();
                float[] row = new float[config.dim()];
                float[] want = new float[config.dim()];
                for (String name : new String[] {TensorNames.attnQ(1), TensorNames.attnK(0)}) {
                    WeightTensor hf = ckpt.tensor(name);
                    for (int r = 0; r < hf.rows(); r++) {
                        int head = r / d;
                        int i = r % d;
                        int interleaved = head * d + (i < d / 2 ? 2 * i : 2 * (i - d / 2) + 1);
                        hf.readRow(r, row, 0);
                        source.tensor(name).readRow(interleaved, want, 0);
                        assertThat(row).as(name + " row " + r).containsExactly(want);
                    }
                }
                assertThat(ckpt.tensor(TensorNames.attnV(1)).toFloatArray())
                        .containsExactly(source.tensor(TensorNames.attnV(1)).toFloatArray());
            }
        }
    }

    @Test
    void configJsonRoundTripsForEachArchitecture() throws IOException {
        for (String arch : new String[] {"LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM"}) {
            ModelConfig config = new ModelConfig(arch, 896, 4864, 24, 14, 2, 64, 151936, 32768, 1e-6f, 1000000f,
                    RopeScaling.NONE, RopeLayout.HALF, true, arch.startsWith("Qwen2"));
            Path file = Files.writeString(dir.resolve(arch + ".json"),
                    HfFolderWriter.configJson(config, "bfloat16", OptionalInt.of(1), OptionalInt.of(2)));
            HfConfig read = HfConfig.read(file);
            assertThat(read.model()).isEqualTo(config);
            assertThat(read.tieWordEmbeddings()).hasValue(true);
        }
    }
}
