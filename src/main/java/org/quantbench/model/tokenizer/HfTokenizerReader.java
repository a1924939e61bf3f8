package org.quantbench.model.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a HF folder's tokenizer.json (model type BPE, byte-level or SentencePiece-style as its pre-tokenizer,
 * normalizer and decoder say) and tokenizer_config.json (add_bos_token, bos_token, eos_token). Every field is
 * type-checked; anything unexpected is a {@link FileFormatException} naming the file and the field.
 */
final class HfTokenizerReader {
    static final long MAX_TOKENIZER_BYTES = 64L << 20;
    static final long MAX_CONFIG_BYTES = 16L << 20;
    /** Larger ids would make us allocate a vocabulary table the file does not really have. */
    static final int MAX_TOKEN_ID = 1 << 22;

    private final Path file;

    private HfTokenizerReader(Path file) {
        this.file = file;
    }

    static Tokenizer read(Path folder) {
        Path json = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new FileFormatException(json, "file", "missing: a HF tokenizer folder needs tokenizer.json");
        }
        JsonNode root = parse(json, MAX_TOKENIZER_BYTES);
        Path configFile = folder.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configFile) ? parse(configFile, MAX_CONFIG_BYTES) : null;
        return new HfTokenizerReader(json).build(root, config, configFile);
    }

    private static JsonNode parse(Path path, long maxBytes) {
        try {
            long size = Files.size(path);
            if (size > maxBytes) {
                throw new FileFormatException(path, "file", size + " bytes is more than the " + maxBytes
                        + " a tokenizer file may have");
            }
            try (InputStream in = Files.newInputStream(path)) {
                JsonNode root = new ObjectMapper().readTree(in);
                if (root == null || !root.isObject()) {
                    throw new FileFormatException(path, "json", "the top level is not a JSON object");
                }
                return root;
            }
        } catch (JacksonException e) {
            throw new FileFormatException(path, "json", "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FileFormatException(path, "file", "cannot read: " + e.getMessage(), e);
        }
    }

    private Tokenizer build(JsonNode root, JsonNode config, Path configFile) {
        JsonNode model = object(root, "model", "model");
        String type = string(model, "type", "model.type", model.has("merges") ? "BPE" : null);
        if (!"BPE".equals(type)) {
            throw fail("model.type", "unsupported tokenizer model '" + type + "' (only BPE is supported)");
        }
        for (String key : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            String affix = string(model, key, "model." + key, null);
            if (affix != null && !affix.isEmpty()) {
                throw fail("model." + key, "BPE with subword affixes ('" + affix + "') is not supported");
            }
        }
        List<String> texts = new ArrayList<>();
        List<TokenType> types = new ArrayList<>();
        readVocab(object(model, "vocab", "model.vocab"), texts, types);
        readAddedTokens(root.get("added_tokens"), texts, types);
        for (int id = 0; id < texts.size(); id++) {
            if (texts.get(id) == null) {
                texts.set(id, "");
                types.set(id, TokenType.UNUSED);
            }
        }
        List<String[]> merges = readMerges(model.get("merges"));
        boolean ignoreMerges = bool(model, "ignore_merges", "model.ignore_merges", false);
        boolean byteLevel = mentions(root.get("pre_tokenizer"), "ByteLevel") || mentions(root.get("decoder"), "ByteLevel");
        boolean byteFallback = bool(model, "byte_fallback", "model.byte_fallback", false);
        String unkText = string(model, "unk_token", "model.unk_token", null);
        int unkId = unkText == null ? -1 : texts.indexOf(unkText);
        if (unkText != null && unkId < 0) {
            throw fail("model.unk_token", "'" + unkText + "' is not a token");
        }
        if (unkId >= 0 && types.get(unkId) == TokenType.NORMAL) {
            types.set(unkId, TokenType.UNKNOWN);
        }
        Special special = readSpecial(root, config, configFile, texts);
        TokenType[] typeArray = types.toArray(new TokenType[0]);
        try {
            if (byteLevel) {
                PreTokenizer pre = byteLevelPreTokenizer(root);
                return new ByteLevelBpeTokenizer(texts, typeArray, merges, pre, ignoreMerges, special.bos, special.eos,
                        special.addBos);
            }
            SentencePieceBpeTokenizer.Options options = sentencePieceOptions(root, byteFallback,
                    bool(model, "fuse_unk", "model.fuse_unk", false), ignoreMerges);
            if (byteFallback) {
                for (int id = 0; id < typeArray.length; id++) {
                    if (typeArray[id] == TokenType.NORMAL && SentencePieceBpeTokenizer.isBytePiece(texts.get(id))) {
                        typeArray[id] = TokenType.BYTE;
                    }
                }
            }
            return SentencePieceBpeTokenizer.fromMerges(texts, typeArray, merges, special.bos, special.eos, unkId,
                    special.addBos, options);
        } catch (IllegalArgumentException e) {
            throw fail("model", e.getMessage());
        }
    }

    private void readVocab(JsonNode vocab, List<String> texts, List<TokenType> types) {
        Iterator<Map.Entry<String, JsonNode>> entries = vocab.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            int id = tokenId(entry.getValue(), "model.vocab['" + entry.getKey() + "']");
            grow(texts, types, id);
            if (texts.get(id) != null) {
                throw fail("model.vocab", "id " + id + " is given to both '" + texts.get(id) + "' and '"
                        + entry.getKey() + "'");
            }
            texts.set(id, entry.getKey());
            types.set(id, TokenType.NORMAL);
        }
        if (texts.isEmpty()) {
            throw fail("model.vocab", "the vocabulary is empty");
        }
    }

    /** Added tokens override the vocabulary at their id: special ones are control tokens, the others user-defined. */
    private void readAddedTokens(JsonNode added, List<String> texts, List<TokenType> types) {
        if (added == null || added.isNull()) {
            return;
        }
        if (!added.isArray()) {
            throw fail("added_tokens", "is not an array");
        }
        for (int i = 0; i < added.size(); i++) {
            String path = "added_tokens[" + i + "]";
            JsonNode token = added.get(i);
            if (!token.isObject()) {
                throw fail(path, "is not an object");
            }
            int id = tokenId(token.get("id"), path + ".id");
            String content = string(token, "content", path + ".content", null);
            if (content == null || content.isEmpty()) {
                throw fail(path + ".content", "missing or empty");
            }
            boolean special = bool(token, "special", path + ".special", false);
            grow(texts, types, id);
            texts.set(id, content);
            types.set(id, special ? TokenType.CONTROL : TokenType.USER_DEFINED);
        }
    }

    private int tokenId(JsonNode node, String path) {
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
            throw fail(path, "is not an integer token id");
        }
        int id = node.intValue();
        if (id < 0 || id > MAX_TOKEN_ID) {
            throw fail(path, "token id " + id + " is outside [0, " + MAX_TOKEN_ID + "]");
        }
        return id;
    }

    private static void grow(List<String> texts, List<TokenType> types, int id) {
        while (texts.size() <= id) {
            texts.add(null);
            types.add(null);
        }
    }

    private List<String[]> readMerges(JsonNode merges) {
        if (merges == null || merges.isNull()) {
            return List.of();
        }
        if (!merges.isArray()) {
            throw fail("model.merges", "is not an array");
        }
        List<String[]> pairs = new ArrayList<>(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            JsonNode merge = merges.get(i);
            String path = "model.merges[" + i + "]";
            if (merge.isTextual()) {
                String text = merge.textValue();
                int space = text.indexOf(' ', 1);
                if (space < 0 || space == text.length() - 1) {
                    throw fail(path, "'" + text + "' is not two tokens separated by a space");
                }
                pairs.add(new String[] {text.substring(0, space), text.substring(space + 1)});
            } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
                pairs.add(new String[] {merge.get(0).textValue(), merge.get(1).textValue()});
            } else {
                throw fail(path, "is neither \"a b\" nor [\"a\", \"b\"]");
            }
        }
        return pairs;
    }

    private record Special(int bos, int eos, boolean addBos) {}

    /**
     * BOS/EOS and add_bos_token from tokenizer_config.json; where it says nothing, a post-processor template
     * that starts with a special token means that token is BOS and is added.
     */
    private Special readSpecial(JsonNode root, JsonNode config, Path configFile, List<String> texts) {
        String templateBos = templateFirstSpecial(root.get("post_processor"));
        String bosText = config == null ? null : tokenText(config, "bos_token", configFile);
        String eosText = config == null ? null : tokenText(config, "eos_token", configFile);
        Boolean addBos = null;
        if (config != null && config.has("add_bos_token") && !config.get("add_bos_token").isNull()) {
            if (!config.get("add_bos_token").isBoolean()) {
                throw new FileFormatException(configFile, "add_bos_token", "is not a boolean");
            }
            addBos = config.get("add_bos_token").booleanValue();
        }
        if (addBos == null) {
            addBos = templateBos != null;
        }
        if (bosText == null) {
            bosText = templateBos;
        }
        int bos = bosText == null ? -1 : texts.indexOf(bosText);
        int eos = eosText == null ? -1 : texts.indexOf(eosText);
        if (bosText != null && bos < 0) {
            throw new FileFormatException(configFile, "bos_token", "'" + bosText + "' is not a token");
        }
        if (eosText != null && eos < 0) {
            throw new FileFormatException(configFile, "eos_token", "'" + eosText + "' is not a token");
        }
        return new Special(bos, eos, addBos && bos >= 0);
    }

    /** A token given as a string or as {"content": ...}; null when absent. */
    private static String tokenText(JsonNode config, String key, Path configFile) {
        JsonNode node = config.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isObject() && node.has("content") && node.get("content").isTextual()) {
            return node.get("content").textValue();
        }
        throw new FileFormatException(configFile, key, "is neither a string nor an object with a string 'content'");
    }

    /** The special token a TemplateProcessing "single" template starts with, if any. */
    private static String templateFirstSpecial(JsonNode processor) {
        if (processor == null || !processor.isObject()) {
            return null;
        }
        if ("Sequence".equals(processor.path("type").asText())) {
            for (JsonNode step : processor.path("processors")) {
                String found = templateFirstSpecial(step);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        JsonNode single = processor.path("single");
        if (!"TemplateProcessing".equals(processor.path("type").asText()) || !single.isArray() || single.isEmpty()) {
            return null;
        }
        JsonNode id = single.get(0).path("SpecialToken").path("id");
        return id.isTextual() ? id.textValue() : null;
    }

    private PreTokenizer byteLevelPreTokenizer(JsonNode root) {
        List<PreTokenizer> steps = new ArrayList<>();
        JsonNode normalizer = root.get("normalizer");
        if (normalizer != null && !normalizer.isNull()) {
            addNormalizers(normalizer, "normalizer", steps);
        }
        JsonNode pre = root.get("pre_tokenizer");
        if (pre != null && !pre.isNull()) {
            addPreTokenizer(pre, "pre_tokenizer", steps);
        }
        return steps.size() == 1 ? steps.getFirst() : new PreTokenizer.Sequence(steps);
    }

    private void addNormalizers(JsonNode normalizer, String path, List<PreTokenizer> steps) {
        String type = string(normalizer, "type", path + ".type", null);
        switch (type == null ? "" : type) {
            case "Sequence" -> {
                JsonNode list = normalizer.get("normalizers");
                if (list == null || !list.isArray()) {
                    throw fail(path + ".normalizers", "is not an array");
                }
                for (int i = 0; i < list.size(); i++) {
                    addNormalizers(list.get(i), path + ".normalizers[" + i + "]", steps);
                }
            }
            case "NFC", "NFD", "NFKC", "NFKD" -> steps.add(new PreTokenizer.Normalize(Normalizer.Form.valueOf(type)));
            default -> throw fail(path + ".type", "unsupported normalizer '" + type + "' for a byte-level tokenizer");
        }
    }

    private void addPreTokenizer(JsonNode pre, String path, List<PreTokenizer> steps) {
        String type = string(pre, "type", path + ".type", null);
        switch (type == null ? "" : type) {
            case "Sequence" -> {
                JsonNode list = pre.get("pretokenizers");
                if (list == null || !list.isArray()) {
                    throw fail(path + ".pretokenizers", "is not an array");
                }
                for (int i = 0; i < list.size(); i++) {
                    addPreTokenizer(list.get(i), path + ".pretokenizers[" + i + "]", steps);
                }
            }
            case "ByteLevel" -> {
                if (bool(pre, "add_prefix_space", path + ".add_prefix_space", false)) {
                    steps.add(new PreTokenizer.PrefixSpace());
                }
                if (bool(pre, "use_regex", path + ".use_regex", true)) {
                    steps.add(PreTokenizer.gpt2());
                }
            }
            case "Digits" -> {
                boolean individual = bool(pre, "individual_digits", path + ".individual_digits", false);
                steps.add(PreTokenizer.RegexSplit.isolating(individual ? "\\p{N}" : "\\p{N}+"));
            }
            case "Split" -> steps.add(split(pre, path));
            default -> throw fail(path + ".type", "unsupported pre-tokenizer '" + type + "' for a byte-level tokenizer");
        }
    }

    private PreTokenizer split(JsonNode split, String path) {
        JsonNode pattern = object(split, "pattern", path + ".pattern");
        String regex = string(pattern, "Regex", path + ".pattern.Regex", null);
        String literal = string(pattern, "String", path + ".pattern.String", null);
        if ((regex == null) == (literal == null)) {
            throw fail(path + ".pattern", "needs exactly one of Regex and String");
        }
        String behaviorName = string(split, "behavior", path + ".behavior", null);
        PreTokenizer.Behavior behavior = switch (behaviorName == null ? "" : behaviorName) {
            case "Isolated" -> PreTokenizer.Behavior.ISOLATED;
            case "Removed" -> PreTokenizer.Behavior.REMOVED;
            case "MergedWithPrevious" -> PreTokenizer.Behavior.MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> PreTokenizer.Behavior.MERGED_WITH_NEXT;
            case "Contiguous" -> PreTokenizer.Behavior.CONTIGUOUS;
            default -> throw fail(path + ".behavior", "unknown split behavior '" + behaviorName + "'");
        };
        boolean invert = bool(split, "invert", path + ".invert", false);
        try {
            Pattern compiled = regex != null ? PreTokenizer.RegexSplit.compile(regex) : Pattern.compile(Pattern.quote(literal));
            return new PreTokenizer.RegexSplit(compiled, behavior, invert);
        } catch (PatternSyntaxException e) {
            throw fail(path + ".pattern.Regex", "not a regex Java understands: " + e.getDescription());
        }
    }

    /**
     * SentencePiece-style: spaces become '▁' (a Replace normalizer or a Metaspace pre-tokenizer) and a '▁' is
     * prepended (a Prepend normalizer, or Metaspace's prepend scheme, which prepends only when missing).
     */
    private SentencePieceBpeTokenizer.Options sentencePieceOptions(JsonNode root, boolean byteFallback,
                                                                   boolean fuseUnknown, boolean ignoreMerges) {
        boolean replacesSpaces = false;
        SentencePieceBpeTokenizer.SpacePrefix prefix = SentencePieceBpeTokenizer.SpacePrefix.NONE;
        boolean onlyIfMissing = false;
        boolean splitAtSpaces = false;
        List<JsonNode> normalizers = new ArrayList<>();
        flatten(root.get("normalizer"), "normalizers", "normalizer", normalizers);
        for (int i = 0; i < normalizers.size(); i++) {
            JsonNode n = normalizers.get(i);
            String path = "normalizer[" + i + "]";
            String type = string(n, "type", path + ".type", null);
            if ("Prepend".equals(type) && "\u2581".equals(string(n, "prepend", path + ".prepend", null))) {
                prefix = SentencePieceBpeTokenizer.SpacePrefix.EVERY_SEGMENT;
            } else if ("Replace".equals(type) && " ".equals(string(object(n, "pattern", path + ".pattern"), "String",
                    path + ".pattern.String", null)) && "\u2581".equals(string(n, "content", path + ".content", null))) {
                replacesSpaces = true;
            } else {
                throw fail(path, "unsupported normalizer '" + type + "' for a SentencePiece-style tokenizer");
            }
        }
        List<JsonNode> pres = new ArrayList<>();
        flatten(root.get("pre_tokenizer"), "pretokenizers", "pre_tokenizer", pres);
        for (int i = 0; i < pres.size(); i++) {
            JsonNode p = pres.get(i);
            String path = "pre_tokenizer[" + i + "]";
            String type = string(p, "type", path + ".type", null);
            if (!"Metaspace".equals(type) || !"\u2581".equals(string(p, "replacement", path + ".replacement", "\u2581"))) {
                throw fail(path, "unsupported pre-tokenizer '" + type + "' for a SentencePiece-style tokenizer");
            }
            replacesSpaces = true;
            onlyIfMissing = true;
            splitAtSpaces = bool(p, "split", path + ".split", true);
            String scheme = string(p, "prepend_scheme", path + ".prepend_scheme",
                    bool(p, "add_prefix_space", path + ".add_prefix_space", true) ? "always" : "never");
            prefix = switch (scheme) {
                case "always" -> SentencePieceBpeTokenizer.SpacePrefix.EVERY_SEGMENT;
                case "first" -> SentencePieceBpeTokenizer.SpacePrefix.FIRST_SEGMENT;
                case "never" -> SentencePieceBpeTokenizer.SpacePrefix.NONE;
                default -> throw fail(path + ".prepend_scheme", "unknown scheme '" + scheme + "'");
            };
        }
        if (!replacesSpaces) {
            throw fail("pre_tokenizer", "neither byte-level (ByteLevel) nor SentencePiece-style (spaces as '\u2581'):"
                    + " this BPE flavour is not supported");
        }
        return new SentencePieceBpeTokenizer.Options(prefix, onlyIfMissing, splitAtSpaces, byteFallback, fuseUnknown,
                ignoreMerges);
    }

    /** A component or a Sequence of components, flattened; null adds nothing. */
    private void flatten(JsonNode node, String listKey, String path, List<JsonNode> out) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw fail(path, "is not an object");
        }
        if ("Sequence".equals(string(node, "type", path + ".type", null))) {
            JsonNode list = node.get(listKey);
            if (list == null || !list.isArray()) {
                throw fail(path + "." + listKey, "is not an array");
            }
            for (JsonNode item : list) {
                flatten(item, listKey, path + "." + listKey, out);
            }
        } else {
            out.add(node);
        }
    }

    private static boolean mentions(JsonNode node, String type) {
        if (node == null || !node.isContainerNode()) {
            return false;
        }
        if (node.isObject() && type.equals(node.path("type").asText(null))) {
            return true;
        }
        for (JsonNode child : node) {
            if (mentions(child, type)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode object(JsonNode parent, String key, String path) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            throw fail(path, "missing");
        }
        if (!node.isObject()) {
            throw fail(path, "is not an object");
        }
        return node;
    }

    private String string(JsonNode parent, String key, String path, String absent) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isTextual()) {
            throw fail(path, "is not a string");
        }
        return node.textValue();
    }

    private boolean bool(JsonNode parent, String key, String path, boolean absent) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw fail(path, "is not a boolean");
        }
        return node.booleanValue();
    }

    private FileFormatException fail(String field, String reason) {
        return new FileFormatException(file, field, reason);
    }
}
