package org.quantbench.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2-style byte-level BPE (GPT-2, Llama-3, Qwen2, SmolLM): special tokens are split out first, the rest is
 * cut into words by a {@link PreTokenizer}, each word's UTF-8 bytes become the vocabulary's byte characters
 * ({@link ByteLevelAlphabet}), and merges apply by rank within a word. Words are cached, since running text
 * repeats them.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    private static final int CACHE_LIMIT = 1 << 16;
    private static final int CACHED_WORD_MAX_CHARS = 64;

    private final List<String> tokens;
    private final TokenType[] types;
    private final byte[][] tokenBytes;
    private final int[] byteSymbol = new int[256];
    private final MergeTable merges;
    /** The merge rules as given, for {@link #vocabulary()}. */
    private final List<String[]> mergePairs;
    private final Map<String, Integer> idsByText;
    private final PreTokenizer preTokenizer;
    private final SpecialTokenSplitter specials;
    private final boolean ignoreMerges;
    private final int bosId;
    private final int eosId;
    private final boolean addBos;
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    /**
     * @param tokens       each id's text: byte-level spelling for normal tokens, plain text for special ones
     * @param types        each id's type (special tokens: CONTROL, USER_DEFINED, UNKNOWN)
     * @param merges       merge rules in rank order, each a pair of token texts whose concatenation is a token
     * @param ignoreMerges a word that is a token as a whole becomes that token without merging (Llama-3)
     * @throws IllegalArgumentException naming the merge or field that is inconsistent
     */
    public ByteLevelBpeTokenizer(List<String> tokens, TokenType[] types, List<String[]> merges,
                                 PreTokenizer preTokenizer, boolean ignoreMerges, int bosId, int eosId, boolean addBos) {
        if (tokens.isEmpty() || types.length != tokens.size()) {
            throw new IllegalArgumentException("need one type per token (" + types.length + " types, "
                    + tokens.size() + " tokens)");
        }
        this.tokens = List.copyOf(tokens);
        this.types = types.clone();
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        this.bosId = checkId(bosId, "bos");
        this.eosId = checkId(eosId, "eos");
        this.addBos = addBos;
        this.idsByText = new HashMap<>(tokens.size() * 2);
        this.tokenBytes = new byte[tokens.size()][];
        for (int id = 0; id < tokens.size(); id++) {
            String text = tokens.get(id);
            if (this.types[id] == TokenType.NORMAL || this.types[id] == TokenType.UNDEFINED
                    || this.types[id] == TokenType.BYTE) {
                idsByText.putIfAbsent(text, id);
            }
            byte[] bytes = this.types[id].special() ? null : ByteLevelAlphabet.decode(text);
            tokenBytes[id] = bytes != null ? bytes : text.getBytes(StandardCharsets.UTF_8);
        }
        for (int b = 0; b < 256; b++) {
            byteSymbol[b] = idsByText.getOrDefault(String.valueOf(ByteLevelAlphabet.charOf(b)), -1);
        }
        this.merges = new MergeTable(merges.size());
        List<String[]> pairs = new ArrayList<>(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank);
            pairs.add(new String[] {pair[0], pair[1]});
            Integer left = idsByText.get(pair[0]);
            Integer right = idsByText.get(pair[1]);
            Integer merged = idsByText.get(pair[0] + pair[1]);
            if (left == null || right == null || merged == null) {
                throw new IllegalArgumentException("merge #" + rank + " '" + pair[0] + " " + pair[1]
                        + "': " + (left == null ? "'" + pair[0] + "'" : right == null ? "'" + pair[1] + "'"
                        : "'" + pair[0] + pair[1] + "'") + " is not a token");
            }
            this.merges.addIfAbsent(left, right, rank, merged);
        }
        this.mergePairs = pairs;
        this.specials = new SpecialTokenSplitter(this.tokens, this.types);
    }

    private int checkId(int id, String what) {
        if (id < -1 || id >= tokens.size()) {
            throw new IllegalArgumentException(what + " id " + id + " is outside the vocabulary of " + tokens.size());
        }
        return id;
    }

    @Override
    public int vocabSize() { return tokens.size(); }

    @Override
    public int[] encode(String text, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 4);
        specials.split(WellFormedText.of(text), parseSpecial, new SpecialTokenSplitter.Sink() {
            @Override
            public void text(String whole, int start, int end) {
                preTokenizer.split(whole.substring(start, end), word -> out.addAll(encodeWord(word)));
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
        return out.toArray();
    }

    private int[] encodeWord(String word) {
        if (word.length() > CACHED_WORD_MAX_CHARS) {
            return mergeWord(word);
        }
        int[] ids = wordCache.get(word);
        if (ids == null) {
            ids = mergeWord(word);
            if (wordCache.size() >= CACHE_LIMIT) {
                wordCache.clear();
            }
            wordCache.put(word, ids);
        }
        return ids;
    }

    private int[] mergeWord(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        if (ignoreMerges) {
            Integer whole = idsByText.get(ByteLevelAlphabet.encode(word));
            if (whole != null) {
                return new int[] {whole};
            }
        }
        int[] symbols = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            symbols[i] = byteSymbol[bytes[i] & 0xFF];
        }
        int[] positions = merges.merge(symbols, symbols.length);
        IntList ids = new IntList(positions.length);
        for (int position : positions) {
            // A byte whose character is missing from the vocabulary has no token: it is dropped, as llama.cpp does.
            if (symbols[position] >= 0) {
                ids.add(symbols[position]);
            }
        }
        return ids.toArray();
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkDecodable(id);
        return tokenBytes[id].clone();
    }

    /** Control tokens decode to nothing (as in llama.cpp); every other token to its bytes. */
    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            checkDecodable(id);
            if (types[id] != TokenType.CONTROL) {
                bytes.writeBytes(tokenBytes[id]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void checkDecodable(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokens.size());
        }
    }

    /** The token's text as the vocabulary spells it (byte-level characters for normal tokens). */
    public String tokenText(int id) {
        checkDecodable(id);
        return tokens.get(id);
    }

    public TokenType tokenType(int id) {
        checkDecodable(id);
        return types[id];
    }

    @Override
    public OptionalInt bosId() { return bosId < 0 ? OptionalInt.empty() : OptionalInt.of(bosId); }

    @Override
    public OptionalInt eosId() { return eosId < 0 ? OptionalInt.empty() : OptionalInt.of(eosId); }

    @Override
    public boolean addBos() { return addBos; }

    /**
     * As a GGUF "gpt2" vocabulary, when the pre-tokenizer is one of the presets {@code tokenizer.ggml.pre} can
     * name (with ignore_merges exactly for llama-bpe, as the GGUF reader assumes) and every merge reads back as
     * the same pair; otherwise empty.
     */
    @Override
    public Optional<VocabularyData> vocabulary() {
        Optional<String> pre = PreTokenizer.ggufNameOf(preTokenizer);
        if (pre.isEmpty() || ignoreMerges != pre.get().equals("llama-bpe")) {
            return Optional.empty();
        }
        List<String> mergeTexts = new ArrayList<>(mergePairs.size());
        for (String[] pair : mergePairs) {
            // GGUF keeps "left right" and readers split at the first space after the first character, so a left
            // side with a later space would come back as another pair.
            if (pair[0].isEmpty() || pair[0].indexOf(' ', 1) >= 0) {
                return Optional.empty();
            }
            mergeTexts.add(pair[0] + " " + pair[1]);
        }
        int[] typeCodes = new int[types.length];
        for (int id = 0; id < types.length; id++) {
            typeCodes[id] = types[id].ordinal();
        }
        return Optional.of(new VocabularyData("gpt2", pre.get(), tokens, new float[0], typeCodes, mergeTexts,
                bosId, eosId, -1, -1, addBos, false, false));
    }
}
