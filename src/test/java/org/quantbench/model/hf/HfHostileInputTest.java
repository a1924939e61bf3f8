package org.quantbench.model.hf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import com.sun.management.ThreadMXBean;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Broken and malicious HF folders: each must end in a FileFormatException naming the file and the field. */
@Timeout(60) // a hang guard only; every case here finishes in milliseconds
class HfHostileInputTest {
    @TempDir
    Path dir;

    private void assertOpenFails(Path folder, String file, String... fragments) {
        var thrown = assertThatThrownBy(() -> HfFolderCheckpoint.open(folder).close())
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining(file);
        for (String fragment : fragments) {
            thrown.hasMessageContaining(fragment);
        }
    }

    private Path folderWithConfig(Map<String, Object> overrides, String... removed) throws IOException {
        TinyHfFolder folder = TinyHfFolder.llama();
        folder.config.putAll(overrides);
        for (String field : removed) {
            folder.config.remove(field);
        }
        return folder.write(Files.createTempDirectory(dir, "f"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
            "vocab_size", "max_position_embeddings", "architectures"})
    void missingRequiredFieldsAreNamed(String field) throws IOException {
        assertOpenFails(folderWithConfig(Map.of(), field), "config.json", field, "missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
            "num_key_value_heads", "vocab_size", "max_position_embeddings", "head_dim"})
    void badSizesAreNamed(String field) throws IOException {
        for (Object bad : new Object[] {-8, 0, 2.5, 8.0, "8", true, List.of(8), Map.of(), 1L << 31, 1L << 40}) {
            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put(field, bad);
            assertOpenFails(folderWithConfig(overrides), "config.json", field, "positive integer");
        }
    }

    @Test
    void badNumbersAndTypesAreNamed() throws IOException {
        assertOpenFails(folderWithConfig(Map.of("rms_norm_eps", -1e-5)), "config.json", "rms_norm_eps", "positive");
        assertOpenFails(folderWithConfig(Map.of("rope_theta", "big")), "config.json", "rope_theta", "number");
        assertOpenFails(folderWithConfig(Map.of("tie_word_embeddings", "yes")), "config.json", "tie_word_embeddings", "true or false");
        assertOpenFails(folderWithConfig(Map.of("architectures", "LlamaForCausalLM")), "config.json", "architectures", "array");
        assertOpenFails(folderWithConfig(Map.of("architectures", List.of())), "config.json", "architectures", "empty");
        assertOpenFails(folderWithConfig(Map.of("architectures", List.of(7))), "config.json", "architectures[0]", "string");
        assertOpenFails(folderWithConfig(Map.of("rope_scaling", "llama3")), "config.json", "rope_scaling", "object");
        assertOpenFails(folderWithConfig(Map.of("num_attention_heads", 65536, "head_dim", 65536, "num_key_value_heads", 1)),
                "config.json", "head_dim", "overflows");
        var threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Path manyLayers = folderWithConfig(Map.of("num_hidden_layers", Integer.MAX_VALUE));
        long before = threads.getCurrentThreadAllocatedBytes();
        assertOpenFails(manyLayers, "config.json", "num_hidden_layers", "2147483647 layers");
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(64L << 20);
    }

    @Test
    void brokenConfigFilesAreRejected() throws IOException {
        Path folder = TinyHfFolder.llama().write(dir);
        Path config = folder.resolve("config.json");
        for (String text : new String[] {"", "[]", "{", "{\"hidden_size\": 8,}", "{} {}", "null",
                "{\"hidden_size\": 8, \"hidden_size\": 16}", "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}"}) {
            Files.writeString(config, text);
            assertOpenFails(folder, "config.json");
        }
        Files.write(config, new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
        assertOpenFails(folder, "config.json", "JSON");
        Files.delete(config);
        assertOpenFails(folder, "config.json", "not a readable file");
    }

    @Test
    void oversizedConfigIsRejectedBeforeReading() throws IOException {
        Path folder = TinyHfFolder.llama().write(dir);
        try (RandomAccessFile sparse = new RandomAccessFile(folder.resolve("config.json").toFile(), "rw")) {
            sparse.setLength(1L << 40);
        }
        assertOpenFails(folder, "config.json", "bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../model-00001-of-00002.safetensors", "/etc/passwd", "sub/model.safetensors",
            "..", ".", "", "a\\b.safetensors", "C:model.safetensors", "x\u0000.safetensors"})
    void indexEntriesMustBePlainFileNames(String shard) throws IOException {
        Path folder = TinyHfFolder.llama().writeSharded(dir.resolve("m"));
        Path index = folder.resolve(HfShardIndex.FILE_NAME);
        String text = Files.readString(index).replace("\"model-00002-of-00002.safetensors\"",
                TinyHfFolder.JSON.writeValueAsString(shard));
        Files.writeString(index, text);
        assertOpenFails(folder, HfShardIndex.FILE_NAME, "weight_map", "not a plain file name");
    }

    @Test
    void brokenIndexesAreRejected() throws IOException {
        Path folder = TinyHfFolder.llama().writeSharded(dir.resolve("m"));
        Path index = folder.resolve(HfShardIndex.FILE_NAME);
        String valid = Files.readString(index);

        Files.delete(folder.resolve("model-00002-of-00002.safetensors"));
        assertOpenFails(folder, HfShardIndex.FILE_NAME, "model-00002-of-00002.safetensors", "missing");

        TinyHfFolder.llama().writeSharded(folder);
        Files.writeString(index, valid.replace("\"model.norm.weight\"", "\"model.norm.weight.x\""));
        assertOpenFails(folder, HfShardIndex.FILE_NAME, "weight_map.model.norm.weight.x", "no such tensor");

        Files.writeString(index, valid.replace("\"lm_head.weight\":\"model-00002-of-00002.safetensors\"", "\"lm_head.weight\":7"));
        assertOpenFails(folder, HfShardIndex.FILE_NAME, "weight_map.lm_head.weight", "string");

        Files.writeString(index, "{\"weight_map\": []}");
        assertOpenFails(folder, HfShardIndex.FILE_NAME, "weight_map", "object");

        Files.writeString(index, "{\"weight_map\": {}}");
        assertOpenFails(folder, HfShardIndex.FILE_NAME, "weight_map", "empty");

        Files.writeString(index, "{\"metadata\": {}}");
        assertOpenFails(folder, HfShardIndex.FILE_NAME, "weight_map", "missing");
    }

    @Test
    void foldersWithoutWeightsOrBrokenWeightsAreRejected() throws IOException {
        Path folder = TinyHfFolder.llama().write(dir.resolve("m"));
        Path weights = folder.resolve("model.safetensors");
        byte[] valid = Files.readAllBytes(weights);

        Files.write(weights, Arrays.copyOf(valid, valid.length - 5));
        assertOpenFails(folder, "model.safetensors", "outside the data section");

        Files.delete(weights);
        Files.writeString(folder.resolve("pytorch_model.bin"), "pickle");
        assertOpenFails(folder, "weights", "pytorch_model.bin");

        assertOpenFails(folder.resolve("config.json"), "config.json", "not a folder");
        assertOpenFails(dir.resolve("absent"), "absent", "not a folder");
    }

    @Test
    void brokenGenerationConfigIsReportedButOddIdsAreSkipped() throws IOException {
        Path folder = TinyHfFolder.llama().write(dir);
        Path generation = folder.resolve(HfGenerationConfig.FILE_NAME);
        Files.writeString(generation, "{\"bos_token_id\": \"1\", \"eos_token_id\": [1e3, 2, null, 99999999999]}");
        try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(folder)) {
            assertThat(ckpt.generationConfig().bosTokenId()).isEmpty();
            assertThat(ckpt.generationConfig().eosTokenIds()).containsExactly(2);
        }
        Files.writeString(generation, "{\"bos_token_id\": ");
        assertOpenFails(folder, HfGenerationConfig.FILE_NAME, "JSON");
    }

    /** Random edits of config.json (and the index): only FileFormatException may escape. */
    @Test
    void fuzzedConfigsOnlyEverFailWithFileFormatException() throws IOException {
        TinyHfFolder tiny = TinyHfFolder.llama();
        tiny.config.put("rope_scaling", Map.of("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0,
                "high_freq_factor", 4.0, "original_max_position_embeddings", 8192));
        tiny.config.put("tie_word_embeddings", false);
        tiny.config.put("head_dim", 2);
        Path folder = tiny.writeSharded(dir.resolve("m"));
        Path config = folder.resolve("config.json");
        Path index = folder.resolve(HfShardIndex.FILE_NAME);
        String validConfig = Files.readString(config);
        String validIndex = Files.readString(index);
        SplittableRandom random = new SplittableRandom(42);
        String alphabet = "{}[]\":,-.0123456789eEtrufalsn \\/\u00e9xy";
        int opened = 0;
        // Both files are rewritten in place and padded with spaces (JSON whitespace) to a fixed length: replacing,
        // deleting or truncating files is slow on some file systems.
        try (FileChannel configChannel = FileChannel.open(config, StandardOpenOption.WRITE);
             FileChannel indexChannel = FileChannel.open(index, StandardOpenOption.WRITE)) {
            for (int iteration = 0; iteration < 2000; iteration++) {
                boolean onIndex = iteration % 4 == 3;
                String mutated = mutate(onIndex ? validIndex : validConfig, random, alphabet);
                overwrite(configChannel, onIndex ? validConfig : mutated, validConfig.length() + 64);
                overwrite(indexChannel, onIndex ? mutated : validIndex, validIndex.length() + 64);
                try (HfFolderCheckpoint ckpt = HfFolderCheckpoint.open(folder)) {
                    opened++;
                    assertThat(ckpt.tensors()).isNotEmpty();
                } catch (FileFormatException expected) {
                    assertThat(expected.getMessage()).containsAnyOf("config.json", HfShardIndex.FILE_NAME, ".safetensors");
                } catch (RuntimeException | Error e) {
                    fail("iteration " + iteration + " (" + (onIndex ? "index" : "config") + "): " + e + " for " + mutated, e);
                }
            }
        }
        assertThat(opened).as("some mutations keep the folder valid").isPositive();
    }

    private static void overwrite(FileChannel channel, String text, int length) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(bytes, length);
        Arrays.fill(padded, bytes.length, length, (byte) ' ');
        channel.write(ByteBuffer.wrap(padded), 0);
    }

    private static String mutate(String valid, SplittableRandom random, String alphabet) {
        StringBuilder text = new StringBuilder(valid);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !text.isEmpty(); e++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(5)) {
                case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> text.deleteCharAt(at);
                case 2 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 3 -> {
                    // change a digit: sizes, offsets, layer numbers
                    for (int tries = 0; tries < 40; tries++) {
                        int p = random.nextInt(text.length());
                        if (Character.isDigit(text.charAt(p))) {
                            text.setCharAt(p, (char) ('0' + random.nextInt(10)));
                            break;
                        }
                    }
                }
                default -> text.setLength(at);
            }
        }
        return text.toString();
    }
}
