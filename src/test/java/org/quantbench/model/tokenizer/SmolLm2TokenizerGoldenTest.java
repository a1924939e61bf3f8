package org.quantbench.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.gguf.GgufFile;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SmolLM2-135M-Instruct's byte-level BPE (pre-tokenizer "smollm") against llama.cpp's token ids in golden.json,
 * read from the GGUF metadata and, rebuilt from the same vocabulary, through a HF tokenizer.json.
 */
class SmolLm2TokenizerGoldenTest {
    private static final String DIR = "models/smollm2-135m-instruct-q4_1/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static VocabularyData vocabulary;
    private static Tokenizer tokenizer;
    private static JsonNode golden;

    @BeforeAll
    static void load() throws IOException {
        Path gguf = SharedData.require(DIR + "SmolLM2-135M-Instruct.Q4_1.gguf");
        try (GgufFile file = GgufFile.open(gguf)) {
            vocabulary = file.vocabulary();
        }
        tokenizer = Tokenizers.fromVocabulary(vocabulary, gguf);
        golden = JSON.readTree(SharedData.require(DIR + "golden.json").toFile());
    }

    @Test
    void ggufVocabularyMatchesLlamaCppOnEveryGoldenText() {
        assertThat(tokenizer).isInstanceOf(ByteLevelBpeTokenizer.class);
        assertThat(tokenizer.vocabSize()).isEqualTo(49152);
        assertThat(tokenizer.addBos()).isFalse();
        assertThat(tokenizer.bosId()).hasValue(1);
        assertThat(tokenizer.eosId()).hasValue(2);
        assertMatchesGolden(tokenizer);
    }

    @Test
    void tokenizerJsonWithSmolLmsPreTokenizerMatchesTheSameGolden(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer.json"), JSON.writeValueAsString(smolLmTokenizerJson()));
        Files.writeString(folder.resolve("tokenizer_config.json"),
                "{\"bos_token\": \"<|im_start|>\", \"eos_token\": {\"content\": \"<|im_end|>\"}}");
        Tokenizer fromJson = Tokenizers.fromHfFolder(folder);
        assertThat(fromJson.bosId()).hasValue(1);
        assertThat(fromJson.eosId()).hasValue(2);
        assertThat(fromJson.addBos()).isFalse();
        assertMatchesGolden(fromJson);
    }

    private static void assertMatchesGolden(Tokenizer tok) {
        assertThat(golden.get("tokenize")).hasSize(8);
        for (JsonNode c : golden.get("tokenize")) {
            String text = c.get("text").textValue();
            assertThat(tok.encode(text, false)).as("ids of %s", text).containsExactly(ints(c.get("ids")));
            assertThat(tok.encode(text, true)).as("ids_parse_special of %s", text)
                    .containsExactly(ints(c.get("ids_parse_special")));
            assertThat(tok.decode(tok.encode(text, false))).isEqualTo(text);
        }
    }

    @Test
    void reproducesLlamaCppsWikiTextWindows() throws IOException {
        byte[] raw = Files.readAllBytes(SharedData.require("data/wikitext2/wiki.test.raw"));
        String head = new String(Arrays.copyOf(raw, 8000), StandardCharsets.UTF_8);
        int[] ids = tokenizer.encode(head, false);
        for (int w = 0; w < 2; w++) {
            String file = Files.readString(SharedData.require(DIR + "wikitext2_window" + w + "_ids.txt")).trim();
            int[] expected = Arrays.stream(file.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            assertThat(Arrays.copyOfRange(ids, 512 * w, 512 * (w + 1))).as("window %d", w).containsExactly(expected);
        }
    }

    @Test
    void tokenizesAllOfWikiTextTestAndDecodesItBack() throws IOException {
        String text = Files.readString(SharedData.require("data/wikitext2/wiki.test.raw"));
        long start = System.nanoTime();
        int[] ids = tokenizer.encode(text, false);
        long encodeNanos = System.nanoTime() - start;
        start = System.nanoTime();
        String decoded = tokenizer.decode(ids);
        long decodeNanos = System.nanoTime() - start;
        System.out.printf("wiki.test.raw: %d chars -> %d tokens, encode %.0f ms, decode %.0f ms%n", text.length(),
                ids.length, encodeNanos / 1e6, decodeNanos / 1e6);
        assertThat(decoded).isEqualTo(text);
    }

    @Test
    void randomUnicodeRoundTrips() {
        Random random = new Random(11);
        for (int trial = 0; trial < 3000; trial++) {
            String text = RandomText.of(random, 40);
            int[] ids = tokenizer.encode(text, false);
            assertThat(tokenizer.decode(ids)).as("round trip of %s", text).isEqualTo(text);
            assertThat(tokenizer.decode(tokenizer.encode(text, true))).isEqualTo(
                    text.replaceAll("<\\|im_start\\|>|<\\|im_end\\|>|<\\|endoftext\\|>", ""));
        }
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        int[] ids = tokenizer.encode("a\uD83Db\uDC00", false);
        assertThat(tokenizer.decode(ids)).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void bytesWithoutATokenAreDroppedAsInLlamaCpp() {
        // SmolLM2's vocabulary has no token for byte 0x04 (its byte-level character 'Ą' is missing).
        assertThat(tokenizer.decode(tokenizer.encode("a\u0004b", false))).isEqualTo("ab");
    }

    /** SmolLM2's tokenizer.json layout, filled with the GGUF vocabulary. */
    private static ObjectNode smolLmTokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        for (int id = 0; id < vocabulary.tokens().size(); id++) {
            vocab.put(vocabulary.tokens().get(id), id);
            if (vocabulary.tokenTypes()[id] == 3) {
                added.addObject().put("id", id).put("content", vocabulary.tokens().get(id)).put("special", true);
            }
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        steps.addObject().put("type", "Digits").put("individual_digits", true);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel");
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.set("vocab", vocab);
        ArrayNode merges = model.putArray("merges");
        vocabulary.merges().forEach(merges::add);
        return root;
    }

    private static int[] ints(JsonNode array) {
        return JSON.convertValue(array, int[].class);
    }
}
