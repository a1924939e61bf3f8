package org.quantbench.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HfTokenizerReaderTest {
    @TempDir
    Path folder;

    /** A tiny GPT-2-style tokenizer.json: bytes 'a', 'b', 'Ġ' and merges building "ab" and "Ġab". */
    private static final String BYTE_LEVEL = """
            {"added_tokens": [{"id": 5, "content": "<|endoftext|>", "special": true},
                              {"id": 6, "content": "<tool>", "special": false}],
             "normalizer": null,
             "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
             "post_processor": null,
             "decoder": {"type": "ByteLevel"},
             "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "Ġ": 2, "ab": 3, "Ġab": 4, "<|endoftext|>": 5},
                       "merges": ["a b", ["Ġ", "ab"]]}}
            """;

    /** A tiny Llama-2-style tokenizer.json: '▁' prefix and spaces, byte fallback, <s> added by the template. */
    private static final String SENTENCE_PIECE = """
            {"added_tokens": [{"id": 0, "content": "<unk>", "special": true},
                              {"id": 1, "content": "<s>", "special": true},
                              {"id": 2, "content": "</s>", "special": true}],
             "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
             "pre_tokenizer": null,
             "post_processor": {"type": "TemplateProcessing",
                                "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                           {"Sequence": {"id": "A", "type_id": 0}}]},
             "decoder": {"type": "Sequence", "decoders": [{"type": "ByteFallback"}]},
             "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true,
                       "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0xC3>": 3, "<0xA9>": 4,
                                 "▁": 5, "h": 6, "i": 7, "▁h": 8, "▁hi": 9},
                       "merges": ["▁ h", "▁h i"]}}
            """;

    private Tokenizer load(String tokenizerJson) throws IOException {
        Files.writeString(folder.resolve("tokenizer.json"), tokenizerJson);
        return Tokenizers.fromHfFolder(folder);
    }

    @Test
    void readsAByteLevelTokenizer() throws IOException {
        Tokenizer tokenizer = load(BYTE_LEVEL);
        assertThat(tokenizer).isInstanceOf(ByteLevelBpeTokenizer.class);
        assertThat(tokenizer.vocabSize()).isEqualTo(7);
        assertThat(tokenizer.encode("ab ab", false)).containsExactly(3, 4);
        assertThat(tokenizer.encode("ab<|endoftext|>", true)).containsExactly(3, 5);
        assertThat(tokenizer.encode("a<tool>", false)).containsExactly(0, 6);
        assertThat(tokenizer.decode(new int[] {3, 5, 4, 6})).isEqualTo("ab ab<tool>");
        assertThat(tokenizer.addBos()).isFalse();
        assertThat(tokenizer.bosId()).isEmpty();
    }

    @Test
    void readsBosAndEosFromTokenizerConfigInBothSpellings() throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"add_bos_token": true, "bos_token": {"content": "<|endoftext|>", "lstrip": false},
                 "eos_token": "<|endoftext|>", "chat_template": "{{ x }}"}
                """);
        Tokenizer tokenizer = load(BYTE_LEVEL);
        assertThat(tokenizer.bosId()).hasValue(5);
        assertThat(tokenizer.eosId()).hasValue(5);
        assertThat(tokenizer.encodeForModel("ab")).containsExactly(5, 3);
    }

    @Test
    void readsASentencePieceStyleTokenizer() throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        Tokenizer tokenizer = load(SENTENCE_PIECE);
        assertThat(tokenizer).isInstanceOf(SentencePieceBpeTokenizer.class);
        assertThat(tokenizer.encode("hi hi", false)).containsExactly(9, 9);
        assertThat(tokenizer.encode("é", false)).containsExactly(5, 3, 4);
        // No piece and no byte pieces for 'x': one <unk> for the run (fuse_unk).
        assertThat(tokenizer.encode("xx", false)).containsExactly(5, 0);
        assertThat(tokenizer.decode(tokenizer.encode("hi é", false))).isEqualTo("hi é");
        // The template's leading <s> makes it the BOS, added to each text.
        assertThat(tokenizer.bosId()).hasValue(1);
        assertThat(tokenizer.eosId()).hasValue(2);
        assertThat(tokenizer.encodeForModel("hi")).containsExactly(1, 9);
    }

    @Test
    void rejectsUnsupportedModelsClearly() {
        assertRejected(BYTE_LEVEL.replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\""), "model.type", "WordPiece");
        assertRejected("{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", 0.0]]}}", "model.type", "Unigram");
        assertRejected(BYTE_LEVEL.replace("\"type\": \"ByteLevel\", \"add", "\"type\": \"Whitespace\", \"add")
                .replace("\"decoder\": {\"type\": \"ByteLevel\"}", "\"decoder\": null"), "pre_tokenizer", "Whitespace");
        assertRejected(BYTE_LEVEL.replace("\"vocab\"", "\"continuing_subword_prefix\": \"##\", \"vocab\""),
                "continuing_subword_prefix", "##");
    }

    @Test
    void rejectsGarbageNamingTheFileAndTheField() throws IOException {
        assertRejected("not json at all", "json", "not valid JSON");
        assertRejected("[1, 2]", "json", "not a JSON object");
        assertRejected(BYTE_LEVEL.substring(0, BYTE_LEVEL.length() / 2), "json", "not valid JSON");
        assertRejected("{}", "model", "missing");
        assertRejected(BYTE_LEVEL.replace("\"vocab\": {", "\"vocab\": 3, \"x\": {"), "model.vocab", "not an object");
        assertRejected(BYTE_LEVEL.replace("\"a\": 0,", "\"a\": \"zero\","), "model.vocab['a']", "integer");
        assertRejected(BYTE_LEVEL.replace("\"a\": 0,", "\"a\": -4,"), "model.vocab['a']", "outside");
        assertRejected(BYTE_LEVEL.replace("\"a\": 0,", "\"a\": 99999999999,"), "model.vocab['a']", "integer");
        assertRejected(BYTE_LEVEL.replace("\"a\": 0,", "\"a\": 1,"), "model.vocab", "both");
        assertRejected(BYTE_LEVEL.replace("\"a b\"", "\"ab\""), "model.merges[0]", "separated");
        assertRejected(BYTE_LEVEL.replace("\"a b\"", "17"), "model.merges[0]", "neither");
        assertRejected(BYTE_LEVEL.replace("\"a b\"", "\"a Ġ\""), "model", "merge #0");
        assertRejected(BYTE_LEVEL.replace("[{\"id\": 5,", "{\"x\": [{\"id\": 5,").replace("false}],", "false}]},"),
                "added_tokens", "not an array");
        assertRejected(BYTE_LEVEL.replace("\"content\": \"<tool>\"", "\"content\": 12"), "added_tokens[1].content",
                "not a string");
        assertRejected(BYTE_LEVEL.replace("\"use_regex\": true", "\"use_regex\": \"yes\""),
                "pre_tokenizer.use_regex", "not a boolean");
        assertRejected(BYTE_LEVEL.replace("{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": true}",
                "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"(unclosed\"}, \"behavior\": \"Isolated\"}"),
                "pre_tokenizer.pattern.Regex", "regex");
        assertRejected(SENTENCE_PIECE.replace("\"Prepend\", \"prepend\": \"▁\"", "\"Lowercase\""), "normalizer[0]",
                "Lowercase");
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"bos_token\": 7}");
        assertRejected(BYTE_LEVEL, "bos_token", "neither a string");
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"bos_token\": \"<nope>\"}");
        assertRejected(BYTE_LEVEL, "bos_token", "not a token");
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"add_bos_token\": 1}");
        assertRejected(BYTE_LEVEL, "add_bos_token", "not a boolean");
    }

    @Test
    void rejectsMissingAndOversizedFilesBeforeReadingThem() throws IOException {
        assertThatThrownBy(() -> Tokenizers.fromHfFolder(folder)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("missing");
        try (RandomAccessFile huge = new RandomAccessFile(folder.resolve("tokenizer.json").toFile(), "rw")) {
            huge.setLength(HfTokenizerReader.MAX_TOKENIZER_BYTES + 1);
        }
        assertThatThrownBy(() -> Tokenizers.fromHfFolder(folder)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("more than");
    }

    private void assertRejected(String tokenizerJson, String field, String reason) {
        assertThatThrownBy(() -> load(tokenizerJson))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining(folder.getFileName().toString())
                .hasMessageContaining(field)
                .hasMessageContaining(reason);
    }
}
