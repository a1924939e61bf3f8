package org.quantbench.export.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.AtomicFileWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A working byte-level BPE tokenizer for synthetic models, written as HF tokenizer.json + tokenizer_config.json:
 * the 256 byte tokens (id = byte value), merges learned from common English words (so ordinary text gets
 * multi-byte tokens), then BOS and EOS. Every id is below the model's vocab size.
 */
public final class SyntheticTokenizerFiles {
    public static final String BOS = "<|begin_of_text|>";
    public static final String EOS = "<|end_of_text|>";
    static final int MAX_MERGES = 500;

    /** Common English words by rough frequency rank. */
    private static final String WORDS = """
            the of and to a in is you that it he was for on are as with his they I at be this have from or one had
            by word but not what all were we when your can said there use an each which she do how their if will up
            other about out many then them these so some her would make like him into time has look two more write
            go see number no way could people my than first water been call who oil its now find long down day did
            get come made may part over new sound take only little work know place year live me back give most very
            after thing our just name good sentence man think say great where help through much before line right
            too mean old any same tell boy follow came want show also around form three small set put end does
            another well large must big even such because turn here why ask went men read need land different home
            us move try kind hand picture again change off play spell air away animal house point page letter
            mother answer found study still learn should America world story once upon happy""";

    private final List<ByteLevelBpeTrainer.Merge> merges;
    private final Map<String, Integer> vocab;
    private final int bosId;
    private final int eosId;

    /** A tokenizer whose ids all fit below {@code vocabSize} (at least 258). */
    public SyntheticTokenizerFiles(int vocabSize) {
        if (vocabSize < SyntheticShape.MIN_VOCAB) {
            throw new IllegalArgumentException("vocab " + vocabSize + " cannot hold 256 byte tokens + BOS + EOS");
        }
        Map<String, Long> words = new LinkedHashMap<>();
        String[] list = WORDS.strip().split("\\s+");
        for (int rank = 1; rank <= list.length; rank++) {
            words.merge(ByteLevelAlphabet.encode(" " + list[rank - 1]), 1_000_000L / rank, Long::sum);
            words.merge(ByteLevelAlphabet.encode(list[rank - 1]), 200_000L / rank, Long::sum);
        }
        merges = ByteLevelBpeTrainer.train(words, Math.min(MAX_MERGES, vocabSize - SyntheticShape.MIN_VOCAB));
        vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevelAlphabet.of(b)), b);
        }
        for (ByteLevelBpeTrainer.Merge merge : merges) {
            vocab.putIfAbsent(merge.merged(), vocab.size());
        }
        bosId = vocab.size();
        vocab.put(BOS, bosId);
        eosId = vocab.size();
        vocab.put(EOS, eosId);
    }

    public int bosId() { return bosId; }

    public int eosId() { return eosId; }

    /** Tokens in the vocabulary (bytes, merged tokens, specials): the largest id plus one. */
    public int tokenCount() { return vocab.size(); }

    public int mergeCount() { return merges.size(); }

    public void write(Path folder, int maxPositions) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFileWriter.writeString(folder.resolve("tokenizer.json"), mapper.writeValueAsString(tokenizerJson(mapper)));
        AtomicFileWriter.writeString(folder.resolve("tokenizer_config.json"),
                mapper.writeValueAsString(tokenizerConfig(mapper, maxPositions)));
    }

    private ObjectNode tokenizerJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        added.add(specialToken(mapper, bosId, BOS));
        added.add(specialToken(mapper, eosId, EOS));
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(mapper, false));
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        post.putArray("single").add(special(mapper, BOS)).add(sequence(mapper, "A"));
        post.putArray("pair").add(special(mapper, BOS)).add(sequence(mapper, "A")).add(special(mapper, BOS)).add(sequence(mapper, "B"));
        ObjectNode bos = post.putObject("special_tokens").putObject(BOS);
        bos.put("id", BOS);
        bos.putArray("ids").add(bosId);
        bos.putArray("tokens").add(BOS);
        root.set("decoder", byteLevel(mapper, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        ArrayNode mergeNode = model.putArray("merges");
        merges.forEach(m -> mergeNode.add(m.left() + " " + m.right()));
        return root;
    }

    private ObjectNode tokenizerConfig(ObjectMapper mapper, int maxPositions) {
        ObjectNode config = mapper.createObjectNode();
        config.put("add_bos_token", true);
        config.put("add_eos_token", false);
        config.put("bos_token", BOS);
        config.put("eos_token", EOS);
        config.put("clean_up_tokenization_spaces", false);
        config.put("model_max_length", maxPositions);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        decoder.set(Integer.toString(bosId), specialToken(mapper, bosId, BOS).without("id"));
        decoder.set(Integer.toString(eosId), specialToken(mapper, eosId, EOS).without("id"));
        return config;
    }

    private static ObjectNode specialToken(ObjectMapper mapper, int id, String content) {
        ObjectNode token = mapper.createObjectNode();
        token.put("id", id);
        token.put("content", content);
        token.put("single_word", false);
        token.put("lstrip", false);
        token.put("rstrip", false);
        token.put("normalized", false);
        token.put("special", true);
        return token;
    }

    private static ObjectNode byteLevel(ObjectMapper mapper, boolean decoder) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", decoder);
        node.put("trim_offsets", true);
        node.put("use_regex", true);
        return node;
    }

    private static ObjectNode special(ObjectMapper mapper, String id) {
        ObjectNode node = mapper.createObjectNode();
        node.putObject("SpecialToken").put("id", id).put("type_id", 0);
        return node;
    }

    private static ObjectNode sequence(ObjectMapper mapper, String id) {
        ObjectNode node = mapper.createObjectNode();
        node.putObject("Sequence").put("id", id).put("type_id", 0);
        return node;
    }
}
