package org.quantbench.export.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.TensorNames;
import org.quantbench.model.hf.HfFolderCheckpoint;
import org.quantbench.model.safetensors.SafetensorsFile;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticModelWriterTest {
    private static final SyntheticShape TINY = SyntheticShape.parse("64,128,2,4,2,1000");

    @TempDir
    Path dir;

    @Test
    void writesAHfFolderTheReaderOpens() throws IOException {
        Path folder = dir.resolve("tiny");
        SyntheticModelWriter writer = SyntheticModelWriter.of(TINY, 1234);
        long[] progress = {0};
        writer.write(folder, bytes -> progress[0] += bytes);

        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(folder)) {
            ModelConfig c = ckpt.config();
            assertThat(c).isEqualTo(TINY.toModelConfig(false));
            assertThat(c.dim()).isEqualTo(64);
            assertThat(c.hiddenDim()).isEqualTo(128);
            assertThat(c.nLayers()).isEqualTo(2);
            assertThat(c.nHeads()).isEqualTo(4);
            assertThat(c.nKvHeads()).isEqualTo(2);
            assertThat(c.headDim()).isEqualTo(16);
            assertThat(c.vocabSize()).isEqualTo(1000);
            assertThat(c.ropeLayout()).isEqualTo(RopeLayout.HALF);
            assertThat(ckpt.tensors()).allMatch(t -> t.dtype() == DType.BF16);
            assertThat(ckpt.tensors()).hasSize(2 + 2 * 9 + 1);

            assertShape(ckpt.tensor(TensorNames.TOKEN_EMBD), 1000, 64);
            assertShape(ckpt.tensor(TensorNames.OUTPUT), 1000, 64);
            assertShape(ckpt.tensor(TensorNames.attnQ(1)), 64, 64);
            assertShape(ckpt.tensor(TensorNames.attnK(1)), 32, 64);
            assertShape(ckpt.tensor(TensorNames.attnV(0)), 32, 64);
            assertShape(ckpt.tensor(TensorNames.attnOutput(0)), 64, 64);
            assertShape(ckpt.tensor(TensorNames.ffnGate(0)), 128, 64);
            assertShape(ckpt.tensor(TensorNames.ffnUp(1)), 128, 64);
            assertShape(ckpt.tensor(TensorNames.ffnDown(1)), 64, 128);

            for (String norm : List.of(TensorNames.OUTPUT_NORM, TensorNames.attnNorm(0), TensorNames.ffnNorm(1))) {
                assertThat(ckpt.tensor(norm).toFloatArray()).hasSize(64).containsOnly(1f);
            }
            double bound = 0.02 * Math.sqrt(3) * (1 + 1.0 / 128); // uniform range, plus BF16 rounding
            for (WeightTensor t : ckpt.tensors()) {
                if (t.rows() == 1) {
                    continue;
                }
                float[] v = t.toFloatArray();
                double sum = 0;
                double squares = 0;
                for (float x : v) {
                    assertThat(Math.abs(x)).isLessThanOrEqualTo((float) bound);
                    sum += x;
                    squares += (double) x * x;
                }
                double mean = sum / v.length;
                assertThat(mean).as(t.name() + " mean").isCloseTo(0, within(0.002));
                assertThat(Math.sqrt(squares / v.length - mean * mean)).as(t.name() + " std").isCloseTo(0.02, within(0.0015));
            }
            assertThat(ckpt.tensor(TensorNames.OUTPUT).toFloatArray()).isNotEqualTo(ckpt.tensor(TensorNames.TOKEN_EMBD).toFloatArray());
            assertThat(ckpt.tensor(TensorNames.ffnUp(0)).toFloatArray()).isNotEqualTo(ckpt.tensor(TensorNames.ffnGate(0)).toFloatArray());
            assertThat(ckpt.generationConfig().bosTokenId()).isPresent();
        }

        // the bytes on disk: an 8-aligned header, then exactly 2 bytes per parameter, nothing else
        Path weights = folder.resolve("model.safetensors");
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(weights)) {
            assertThat(in.read(head)).isEqualTo(8);
        }
        long headerLength = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        long params = TINY.toModelConfig(false).parameterCount();
        assertThat(Files.size(weights)).isEqualTo(8 + headerLength + 2 * params);
        assertThat(writer.weightBytes()).isEqualTo(2 * params);
        assertThat(progress[0]).isEqualTo(Files.size(weights));
        try (SafetensorsFile st = SafetensorsFile.open(weights)) {
            assertThat(st.metadata()).containsEntry("format", "pt")
                    .containsEntry("quantbench.synthetic", "shape=64,128,2,4,2,1000 seed=1234 std=0.02");
        }
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.json", "model.safetensors",
                    "tokenizer.json", "tokenizer_config.json", "generation_config.json");
        }
    }

    private static void assertShape(WeightTensor t, int rows, int cols) {
        assertThat(t.rows()).as(t.name()).isEqualTo(rows);
        assertThat(t.cols()).as(t.name()).isEqualTo(cols);
    }

    @Test
    void isDeterministicPerSeed() throws IOException {
        SyntheticModelWriter.of(TINY, 5).write(dir.resolve("a"));
        SyntheticModelWriter.of(TINY, 5).write(dir.resolve("b"));
        SyntheticModelWriter.of(TINY, 6).write(dir.resolve("c"));
        byte[] a = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertThat(Files.readAllBytes(dir.resolve("b/model.safetensors"))).isEqualTo(a);
        assertThat(Files.readAllBytes(dir.resolve("c/model.safetensors"))).isNotEqualTo(a);
        assertThat(Files.readString(dir.resolve("b/tokenizer.json"))).isEqualTo(Files.readString(dir.resolve("a/tokenizer.json")));
    }

    @Test
    void shardsTiedModelsAndRefusesNonEmptyFolders() throws IOException {
        Path folder = dir.resolve("sharded");
        SyntheticModelWriter.of(TINY, 1).withTiedEmbeddings(true).withMaxShardBytes(100_000).write(folder);
        assertThat(folder.resolve("model.safetensors.index.json")).exists();
        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(folder)) {
            assertThat(ckpt.config().tiedEmbeddings()).isTrue();
            assertThat(ckpt.hasTensor(TensorNames.OUTPUT)).isFalse();
            assertThat(ckpt.weightFiles()).hasSizeGreaterThan(1);
        }
        assertThatThrownBy(() -> SyntheticModelWriter.of(TINY, 1).write(folder))
                .isInstanceOf(IOException.class).hasMessageContaining("not empty");
    }

    @Test
    void tokenizerIsAValidByteLevelBpeWithIdsBelowTheVocab() throws IOException {
        Path folder = dir.resolve("tok");
        SyntheticModelWriter.of(TINY, 1).write(folder);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode tokenizer = mapper.readTree(folder.resolve("tokenizer.json").toFile());
        JsonNode model = tokenizer.get("model");
        assertThat(model.get("type").asText()).isEqualTo("BPE");
        assertThat(tokenizer.get("pre_tokenizer").get("type").asText()).isEqualTo("ByteLevel");
        assertThat(tokenizer.get("decoder").get("type").asText()).isEqualTo("ByteLevel");

        Set<Integer> ids = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields(); it.hasNext(); ) {
            var entry = it.next();
            int id = entry.getValue().asInt();
            assertThat(id).isBetween(0, 999);
            assertThat(ids.add(id)).as("id %d unique", id).isTrue();
            tokens.add(entry.getKey());
        }
        assertThat(ids).hasSize(tokens.size());
        assertThat(ids).contains(0, 255);
        assertThat(tokens).contains("Ġ", "Ċ", "a", "!", "\u0100", "ÿ"); // ' ', '\n', printable, byte 0, byte 255
        JsonNode merges = model.get("merges");
        assertThat(merges.size()).isBetween(300, SyntheticTokenizerFiles.MAX_MERGES);
        for (JsonNode merge : merges) {
            String[] parts = merge.asText().split(" ");
            assertThat(parts).hasSize(2);
            assertThat(tokens).contains(parts[0], parts[1], parts[0] + parts[1]);
        }
        assertThat(tokens).contains("Ġthe", "Ġof");

        JsonNode config = mapper.readTree(folder.resolve("config.json").toFile());
        JsonNode tokConfig = mapper.readTree(folder.resolve("tokenizer_config.json").toFile());
        int bos = config.get("bos_token_id").asInt();
        int eos = config.get("eos_token_id").asInt();
        assertThat(model.get("vocab").get("<|begin_of_text|>").asInt()).isEqualTo(bos);
        assertThat(model.get("vocab").get("<|end_of_text|>").asInt()).isEqualTo(eos);
        assertThat(tokConfig.get("bos_token").asText()).isEqualTo("<|begin_of_text|>");
        assertThat(tokConfig.get("add_bos_token").asBoolean()).isTrue();
        assertThat(tokenizer.get("added_tokens").findValuesAsText("content")).containsExactly("<|begin_of_text|>", "<|end_of_text|>");
    }

    @Test
    void smallVocabsGetFewerMerges() {
        SyntheticTokenizerFiles tokenizer = new SyntheticTokenizerFiles(300);
        assertThat(tokenizer.mergeCount()).isEqualTo(42);
        assertThat(tokenizer.tokenCount()).isLessThanOrEqualTo(300);
        assertThat(tokenizer.eosId()).isEqualTo(tokenizer.tokenCount() - 1);
        assertThat(new SyntheticTokenizerFiles(258).tokenCount()).isEqualTo(258);
    }
}
