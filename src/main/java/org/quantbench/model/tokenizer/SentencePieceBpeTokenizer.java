package org.quantbench.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * SentencePiece-style BPE (Llama-2, TinyLlama, GGUF {@code tokenizer.ggml.model = "llama"}): spaces are written
 * as U+2581 '▁', a '▁' is prepended to the text, the text's characters are merged pairwise by priority (piece
 * score for GGUF, merge rank for tokenizer.json), and characters left without a piece fall back to byte pieces
 * {@code <0xNN>} (or the unknown piece). Special tokens are split out first.
 */
public final class SentencePieceBpeTokenizer implements Tokenizer {
    static final char SPACE = '\u2581';
    private static final String SPACE_STRING = String.valueOf(SPACE);
    /**
     * Pieces longer than this get no merge rules (so merging never produces them), which bounds the quadratic
     * work a hostile vocabulary could ask for; real vocabularies stay far below it.
     */
    private static final int MAX_MERGED_PIECE_CHARS = 256;

    /**
     * How text becomes symbols.
     *
     * @param spacePrefix         which segments get a '▁' in front
     * @param prefixOnlyIfMissing Metaspace's rule: no prefix when the segment already starts with one
     * @param splitAtSpaces       Metaspace's split: merging never crosses the start of a '▁'-word
     * @param byteFallback        characters without a piece become their UTF-8 byte pieces
     * @param fuseUnknown         consecutive unknown characters give one unknown token (HF fuse_unk)
     * @param ignoreMerges        a word that is a piece as a whole becomes that piece directly
     */
    public record Options(SpacePrefix spacePrefix, boolean prefixOnlyIfMissing, boolean splitAtSpaces,
                          boolean byteFallback, boolean fuseUnknown, boolean ignoreMerges) {
        /** llama.cpp and SentencePiece: a prefix before the text and after each special token, no word split. */
        public static Options sentencePiece(boolean addSpacePrefix) {
            return new Options(addSpacePrefix ? SpacePrefix.EVERY_SEGMENT : SpacePrefix.NONE, false, false,
                    true, false, false);
        }
    }

    /** Which text segments (the parts between special tokens) get a '▁' prefix. */
    public enum SpacePrefix { NONE, EVERY_SEGMENT, FIRST_SEGMENT }

    private final List<String> tokens;
    private final TokenType[] types;
    private final Map<String, Integer> idsByText;
    private final Map<Integer, Integer> symbolByCodePoint;
    private final MergeTable merges;
    /** The piece scores merges follow; null when built from merge rules. */
    private final float[] scores;
    private final int[] byteIds = new int[256];
    private final SpecialTokenSplitter specials;
    private final Options options;
    private final int bosId;
    private final int eosId;
    private final int unkId;
    private final boolean addBos;

    private SentencePieceBpeTokenizer(Vocabulary vocabulary, MergeTable merges, float[] scores, int bosId, int eosId,
                                      int unkId, boolean addBos, Options options) {
        this.tokens = vocabulary.tokens;
        this.scores = scores;
        this.types = vocabulary.types;
        this.idsByText = vocabulary.idsByText;
        this.symbolByCodePoint = vocabulary.symbolByCodePoint;
        this.merges = merges;
        this.options = options;
        this.bosId = checkId(bosId, "bos");
        this.eosId = checkId(eosId, "eos");
        this.unkId = checkId(unkId, "unknown");
        this.addBos = addBos;
        for (int b = 0; b < 256; b++) {
            byteIds[b] = idsByText.getOrDefault(String.format("<0x%02X>", b), -1);
        }
        this.specials = new SpecialTokenSplitter(tokens, types);
    }

    /** The pieces with their lookups, shared by both ways of building the merge rules. */
    private static final class Vocabulary {
        final List<String> tokens;
        final TokenType[] types;
        final Map<String, Integer> idsByText;
        /** Initial symbol of each character: its piece, or a virtual id past the vocabulary. */
        final Map<Integer, Integer> symbolByCodePoint = new HashMap<>();

        Vocabulary(List<String> tokens, TokenType[] types) {
            if (tokens.isEmpty() || types.length != tokens.size()) {
                throw new IllegalArgumentException("need one type per token (" + types.length + " types, "
                        + tokens.size() + " tokens)");
            }
            this.tokens = List.copyOf(tokens);
            this.types = types.clone();
            this.idsByText = new HashMap<>(tokens.size() * 2);
            for (int id = 0; id < tokens.size(); id++) {
                String text = tokens.get(id);
                if (this.types[id] == TokenType.BYTE && !isBytePiece(text)) {
                    throw new IllegalArgumentException("byte token " + id + " is '" + text + "', not <0xNN>");
                }
                idsByText.putIfAbsent(text, id);
                if (!text.isEmpty() && text.codePointCount(0, text.length()) == 1) {
                    symbolByCodePoint.putIfAbsent(text.codePointAt(0), id);
                }
            }
        }

        /** A symbol id for a merge half: a single character (virtual id if it has no piece) or a mergeable piece. */
        int symbolFor(String text) {
            if (text.codePointCount(0, text.length()) == 1) {
                return symbolByCodePoint.computeIfAbsent(text.codePointAt(0),
                        cp -> tokens.size() + symbolByCodePoint.size());
            }
            Integer id = idsByText.get(text);
            return id != null && types[id].mergeable() ? id : -1;
        }
    }

    static boolean isBytePiece(String text) {
        return text.length() == 6 && text.startsWith("<0x") && text.charAt(5) == '>'
                && Character.digit(text.charAt(3), 16) >= 0 && Character.digit(text.charAt(4), 16) >= 0;
    }

    /**
     * From pieces with scores (GGUF, SentencePiece .model): two adjacent symbols merge when their concatenation
     * is a normal or user-defined piece; the highest score merges first, the leftmost among equal scores. A
     * character without a piece of its own can still merge into one.
     */
    public static SentencePieceBpeTokenizer fromScores(List<String> tokens, float[] scores, TokenType[] types,
                                                       int bosId, int eosId, int unkId, boolean addBos,
                                                       Options options) {
        if (scores.length != tokens.size()) {
            throw new IllegalArgumentException("need one score per token (" + scores.length + " scores, "
                    + tokens.size() + " tokens)");
        }
        Vocabulary vocabulary = new Vocabulary(tokens, types);
        float[] candidates = new float[scores.length];
        int count = 0;
        for (int id = 0; id < scores.length; id++) {
            if (vocabulary.types[id].mergeable() && !Float.isNaN(scores[id])) {
                candidates[count++] = scores[id];
            }
        }
        ScorePriorities priorities = new ScorePriorities(candidates, count);
        IntList rules = new IntList(tokens.size() * 4);
        for (int id = 0; id < tokens.size(); id++) {
            String text = vocabulary.tokens.get(id);
            if (!vocabulary.types[id].mergeable() || Float.isNaN(scores[id]) || text.length() < 2
                    || text.length() > MAX_MERGED_PIECE_CHARS) {
                continue;
            }
            int priority = priorities.of(scores[id]);
            for (int k = text.offsetByCodePoints(0, 1); k < text.length(); k = text.offsetByCodePoints(k, 1)) {
                int left = vocabulary.symbolFor(text.substring(0, k));
                int right = vocabulary.symbolFor(text.substring(k));
                if (left >= 0 && right >= 0) {
                    rules.add(left);
                    rules.add(right);
                    rules.add(priority);
                    rules.add(id);
                }
            }
        }
        MergeTable table = MergeTable.fromRules(rules);
        return new SentencePieceBpeTokenizer(vocabulary, table, scores.clone(), bosId, eosId, unkId, addBos, options);
    }

    /** From merge rules in rank order (tokenizer.json); each side and their concatenation must be tokens. */
    public static SentencePieceBpeTokenizer fromMerges(List<String> tokens, TokenType[] types, List<String[]> merges,
                                                       int bosId, int eosId, int unkId, boolean addBos,
                                                       Options options) {
        Vocabulary vocabulary = new Vocabulary(tokens, types);
        MergeTable table = new MergeTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank);
            Integer left = vocabulary.idsByText.get(pair[0]);
            Integer right = vocabulary.idsByText.get(pair[1]);
            Integer merged = vocabulary.idsByText.get(pair[0] + pair[1]);
            if (left == null || right == null || merged == null) {
                throw new IllegalArgumentException("merge #" + rank + " '" + pair[0] + " " + pair[1]
                        + "': " + (left == null ? "'" + pair[0] + "'" : right == null ? "'" + pair[1] + "'"
                        : "'" + pair[0] + pair[1] + "'") + " is not a token");
            }
            table.addIfAbsent(left, right, rank, merged);
        }
        return new SentencePieceBpeTokenizer(vocabulary, table, null, bosId, eosId, unkId, addBos, options);
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
        IntList out = new IntList(text.length() / 2 + 4);
        specials.split(WellFormedText.of(text), parseSpecial, new SpecialTokenSplitter.Sink() {
            @Override
            public void text(String whole, int start, int end) {
                encodeSegment(whole.substring(start, end), start == 0, out);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
        return out.toArray();
    }

    private void encodeSegment(String segment, boolean atStart, IntList out) {
        String text = segment.replace(' ', SPACE);
        boolean prefix = switch (options.spacePrefix()) {
            case NONE -> false;
            case EVERY_SEGMENT -> true;
            case FIRST_SEGMENT -> atStart;
        };
        if (prefix && !(options.prefixOnlyIfMissing() && text.startsWith(SPACE_STRING))) {
            text = SPACE + text;
        }
        if (!options.splitAtSpaces()) {
            encodeWord(text, out);
            return;
        }
        // Metaspace's split: each '▁' starts a new word, a run of them leaves all but the last alone.
        int wordStart = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == SPACE) {
                encodeWord(text.substring(wordStart, i), out);
                wordStart = i;
            }
        }
    }

    private void encodeWord(String word, IntList out) {
        if (options.ignoreMerges()) {
            Integer whole = idsByText.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int[] codePoints = word.codePoints().toArray();
        int[] symbols = new int[codePoints.length];
        for (int i = 0; i < codePoints.length; i++) {
            symbols[i] = symbolByCodePoint.getOrDefault(codePoints[i], -1);
        }
        boolean lastWasUnknown = false;
        for (int position : merges.merge(symbols, symbols.length)) {
            int id = symbols[position];
            if (id >= 0 && id < tokens.size()) {
                out.add(id);
                lastWasUnknown = false;
            } else if (!appendBytes(codePoints[position], out) && unkId >= 0) {
                if (!(options.fuseUnknown() && lastWasUnknown)) {
                    out.add(unkId);
                }
                lastWasUnknown = true;
            }
        }
    }

    /** Byte fallback: the character's UTF-8 bytes as byte pieces, when there is a piece for each. */
    private boolean appendBytes(int codePoint, IntList out) {
        if (!options.byteFallback()) {
            return false;
        }
        byte[] utf8 = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        for (byte b : utf8) {
            out.add(byteIds[b & 0xFF]);
        }
        return true;
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkDecodable(id);
        return switch (types[id]) {
            case BYTE -> new byte[] {(byte) Integer.parseInt(tokens.get(id), 3, 5, 16)};
            case CONTROL -> tokens.get(id).getBytes(StandardCharsets.UTF_8);
            default -> tokens.get(id).replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    /**
     * Control tokens decode to nothing, byte pieces to their byte; with a space prefix, the first piece's
     * leading space (the one encoding added) is dropped.
     */
    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        boolean first = true;
        for (int id : ids) {
            checkDecodable(id);
            if (types[id] == TokenType.CONTROL) {
                continue;
            }
            byte[] piece = tokenBytes(id);
            int skip = first && options.spacePrefix() != SpacePrefix.NONE && types[id] != TokenType.BYTE
                    && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            bytes.write(piece, skip, piece.length - skip);
            first = false;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void checkDecodable(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokens.size());
        }
    }

    /** The piece as the vocabulary spells it ('▁' for spaces). */
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
     * As a GGUF "llama" vocabulary, when this tokenizer works as llama.cpp's SentencePiece one does: built from
     * scores, with {@link Options#sentencePiece} options. One built from tokenizer.json merge ranks, or with
     * Metaspace word splitting, fused unknowns or ignore_merges, gives empty: GGUF cannot say so.
     */
    @Override
    public Optional<VocabularyData> vocabulary() {
        boolean prefix = options.spacePrefix() == SpacePrefix.EVERY_SEGMENT;
        if (scores == null || !options.equals(Options.sentencePiece(prefix))) {
            return Optional.empty();
        }
        int[] typeCodes = new int[types.length];
        for (int id = 0; id < types.length; id++) {
            typeCodes[id] = types[id].ordinal();
        }
        return Optional.of(new VocabularyData("llama", "default", tokens, scores.clone(), typeCodes, List.of(),
                bosId, eosId, unkId, -1, addBos, false, prefix));
    }
}
