package org.quantbench.export.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.model.tokenizer.PreTokenizer;
import org.quantbench.model.tokenizer.TokenType;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.model.tokenizer.VocabularyData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A byte-level BPE tokenizer written as HF tokenizer.json + tokenizer_config.json, for the pre-tokenizer presets
 * GGUF names (gpt2, smollm, llama-bpe, qwen2): every token in the BPE vocab, control tokens also as special added
 * tokens and user-defined ones as plain added tokens, the merges in rank order. Other tokenizers (SentencePiece,
 * llama2.c, byte-level with another pre-tokenizer) have no faithful form here and are not written.
 */
public final class HfTokenizerFiles {
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final VocabularyData vocabulary;

    private HfTokenizerFiles(VocabularyData vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** The files for this tokenizer, or empty when it cannot be written faithfully. */
    public static Optional<HfTokenizerFiles> of(Tokenizer tokenizer) {
        return tokenizer.vocabulary().filter(HfTokenizerFiles::writable).map(HfTokenizerFiles::new);
    }

    private static boolean writable(VocabularyData v) {
        if (!"gpt2".equals(v.model()) || preTokenizer(v.pre()) == null || v.unkId() >= 0) {
            return false;
        }
        Set<String> texts = new HashSet<>();
        for (int id = 0; id < v.tokens().size(); id++) {
            String text = v.tokens().get(id);
            switch (TokenType.fromGguf(v.tokenTypes()[id])) {
                case NORMAL, CONTROL, USER_DEFINED -> {
                    if (text.isEmpty() || !texts.add(text)) {
                        return false; // a JSON vocab cannot hold one text twice
                    }
                }
                case UNUSED -> {
                    if (!text.isEmpty()) {
                        return false; // only empty holes come back as unused
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** Writes tokenizer.json and tokenizer_config.json into {@code folder}. */
    public void write(Path folder, int maxPositions) throws IOException {
        AtomicFileWriter.writeString(folder.resolve(TOKENIZER_JSON), MAPPER.writeValueAsString(tokenizerJson()) + "\n");
        AtomicFileWriter.writeString(folder.resolve(TOKENIZER_CONFIG_JSON),
                MAPPER.writeValueAsString(tokenizerConfig(maxPositions)) + "\n");
    }

    private ObjectNode tokenizerJson() {
        VocabularyData v = vocabulary;
        ObjectNode root = NODES.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < v.tokens().size(); id++) {
            TokenType type = TokenType.fromGguf(v.tokenTypes()[id]);
            if (type == TokenType.CONTROL || type == TokenType.USER_DEFINED) {
                added.add(addedToken(id, v.tokens().get(id), type == TokenType.CONTROL));
            }
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", preTokenizer(v.pre()));
        if (v.addBos() && v.bosId() >= 0) {
            root.set("post_processor", bosTemplate(v.tokens().get(v.bosId()), v.bosId()));
        } else {
            root.putNull("post_processor");
        }
        root.set("decoder", byteLevel(true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", "llama-bpe".equals(v.pre()));
        // Added tokens are in the vocab too: HF tokenizers gives an added token that the model's vocab lacks a new
        // id past the vocab, whatever its "id" says.
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < v.tokens().size(); id++) {
            if (v.tokenTypes()[id] != TokenType.UNUSED.ordinal()) {
                vocab.put(v.tokens().get(id), id);
            }
        }
        ArrayNode merges = model.putArray("merges");
        v.merges().forEach(merges::add);
        return root;
    }

    private ObjectNode tokenizerConfig(int maxPositions) {
        VocabularyData v = vocabulary;
        ObjectNode config = NODES.objectNode();
        config.put("add_bos_token", v.addBos());
        config.put("add_eos_token", v.addEos());
        if (v.bosId() >= 0) {
            config.put("bos_token", v.tokens().get(v.bosId()));
        }
        if (v.eosId() >= 0) {
            config.put("eos_token", v.tokens().get(v.eosId()));
        }
        config.put("clean_up_tokenization_spaces", false);
        config.put("model_max_length", maxPositions);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        return config;
    }

    /** The HF pre-tokenizer of a GGUF preset, step for step as {@link PreTokenizer#forGgufName} builds it. */
    private static ObjectNode preTokenizer(String pre) {
        return switch (pre) {
            case "gpt2" -> byteLevel(false, true);
            case "smollm" -> sequence(NODES.objectNode().put("type", "Digits").put("individual_digits", true),
                    byteLevel(false, true));
            case "llama-bpe" -> sequence(split(PreTokenizer.LLAMA3_PATTERN), byteLevel(false, false));
            case "qwen2" -> sequence(split(PreTokenizer.QWEN2_PATTERN), byteLevel(false, false));
            default -> null;
        };
    }

    private static ObjectNode sequence(ObjectNode... steps) {
        ObjectNode node = NODES.objectNode().put("type", "Sequence");
        ArrayNode list = node.putArray("pretokenizers");
        for (ObjectNode step : steps) {
            list.add(step);
        }
        return node;
    }

    private static ObjectNode split(String regex) {
        ObjectNode node = NODES.objectNode().put("type", "Split");
        node.putObject("pattern").put("Regex", regex);
        node.put("behavior", "Isolated");
        node.put("invert", false);
        return node;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean useRegex) {
        return NODES.objectNode().put("type", "ByteLevel").put("add_prefix_space", addPrefixSpace)
                .put("trim_offsets", true).put("use_regex", useRegex);
    }

    private static ObjectNode addedToken(int id, String content, boolean special) {
        return NODES.objectNode().put("id", id).put("content", content).put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", !special).put("special", special);
    }

    /** transformers adds BOS through the post-processor, not through add_bos_token. */
    private static ObjectNode bosTemplate(String bos, int bosId) {
        ObjectNode post = NODES.objectNode().put("type", "TemplateProcessing");
        post.putArray("single").add(specialStep(bos)).add(sequenceStep("A"));
        post.putArray("pair").add(specialStep(bos)).add(sequenceStep("A")).add(specialStep(bos)).add(sequenceStep("B"));
        ObjectNode token = post.putObject("special_tokens").putObject(bos);
        token.put("id", bos);
        token.putArray("ids").add(bosId);
        token.putArray("tokens").add(bos);
        return post;
    }

    private static ObjectNode specialStep(String id) {
        ObjectNode node = NODES.objectNode();
        node.putObject("SpecialToken").put("id", id).put("type_id", 0);
        return node;
    }

    private static ObjectNode sequenceStep(String id) {
        ObjectNode node = NODES.objectNode();
        node.putObject("Sequence").put("id", id).put("type_id", 0);
        return node;
    }
}
