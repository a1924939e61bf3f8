package org.quantbench.model.tokenizer;

import org.quantbench.tensor.BoundedReader;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.MappedFile;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The tokenizer of llama2.c's {@code tokenizer.bin}, encoding exactly as its {@code run.c} does: a " " piece
 * before non-empty text, each UTF-8 character looked up as a piece or else replaced by byte pieces
 * (id = byte + 3), then the adjacent pair whose concatenation is a piece with the highest score merges first
 * (the leftmost among equal scores), until none is left. Ids 0/1/2 are unknown/BOS/EOS. Pieces are byte
 * strings (spaces are real spaces), held here as Latin-1 strings so that comparisons are byte-exact.
 */
public final class Llama2cTokenizer implements Tokenizer {
    static final int UNK = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    private static final int FIRST_BYTE_PIECE = 3;
    /** run.c merges only pairs scoring above its starting best of -1e10. */
    private static final float MERGE_SCORE_FLOOR = -1e10f;
    /** Longer pieces get no merge rules, bounding the quadratic work a hostile file could ask for. */
    private static final int MAX_MERGED_PIECE_BYTES = 256;
    private static final int MAX_TOKEN_LENGTH = 1 << 16;

    private final List<String> pieces;
    private final float[] scores;
    private final Map<String, Integer> idsByPiece;
    private final MergeTable merges;
    private final boolean byteFallback;

    /**
     * @param pieces each token's bytes
     * @param scores each token's merge score
     */
    public Llama2cTokenizer(List<byte[]> pieces, float[] scores) {
        if (pieces.size() < 3 || scores.length != pieces.size()) {
            throw new IllegalArgumentException("need at least the 3 pieces unk/BOS/EOS and one score per piece ("
                    + pieces.size() + " pieces, " + scores.length + " scores)");
        }
        List<String> latin1 = new ArrayList<>(pieces.size());
        for (byte[] piece : pieces) {
            latin1.add(new String(piece, StandardCharsets.ISO_8859_1));
        }
        this.pieces = List.copyOf(latin1);
        this.scores = scores.clone();
        this.idsByPiece = new HashMap<>(pieces.size() * 2);
        for (int id = 0; id < pieces.size(); id++) {
            idsByPiece.putIfAbsent(this.pieces.get(id), id);
        }
        this.byteFallback = hasBytePieces(this.pieces);
        this.merges = buildMerges(scores);
    }

    private static boolean hasBytePieces(List<String> pieces) {
        if (pieces.size() < FIRST_BYTE_PIECE + 256) {
            return false;
        }
        for (int b = 0; b < 256; b++) {
            if (!pieces.get(FIRST_BYTE_PIECE + b).equals(String.format("<0x%02X>", b))) {
                return false;
            }
        }
        return true;
    }

    private MergeTable buildMerges(float[] scores) {
        float[] candidates = new float[scores.length];
        int count = 0;
        for (float score : scores) {
            if (score > MERGE_SCORE_FLOOR) {
                candidates[count++] = score;
            }
        }
        ScorePriorities priorities = new ScorePriorities(candidates, count);
        IntList rules = new IntList(pieces.size() * 4);
        for (int id = 0; id < pieces.size(); id++) {
            String piece = pieces.get(id);
            if (!(scores[id] > MERGE_SCORE_FLOOR) || piece.length() < 2 || piece.length() > MAX_MERGED_PIECE_BYTES) {
                continue;
            }
            int priority = priorities.of(scores[id]);
            for (int k = 1; k < piece.length(); k++) {
                Integer left = idsByPiece.get(piece.substring(0, k));
                Integer right = idsByPiece.get(piece.substring(k));
                if (left != null && right != null) {
                    rules.add(left);
                    rules.add(right);
                    rules.add(priority);
                    rules.add(id);
                }
            }
        }
        return MergeTable.fromRules(rules);
    }

    /** Reads a llama2.c tokenizer.bin: i32 max_token_length, then per token f32 score, i32 length, bytes. */
    public static Llama2cTokenizer read(Path file, int vocabSize) {
        try (MappedFile mapped = MappedFile.open(file)) {
            BoundedReader in = mapped.reader(0);
            if (vocabSize < 3 || vocabSize > in.remaining() / 8) {
                throw new FileFormatException(file, "vocab_size", vocabSize + " tokens cannot fit in a file of "
                        + mapped.size() + " bytes (each takes at least 8)");
            }
            int maxTokenLength = in.i32("max_token_length");
            if (maxTokenLength < 1 || maxTokenLength > MAX_TOKEN_LENGTH) {
                throw new FileFormatException(file, "max_token_length", maxTokenLength + " is outside [1, "
                        + MAX_TOKEN_LENGTH + "]");
            }
            List<byte[]> pieces = new ArrayList<>(vocabSize);
            float[] scores = new float[vocabSize];
            for (int id = 0; id < vocabSize; id++) {
                scores[id] = in.f32("score of token " + id);
                int length = in.i32("length of token " + id);
                if (length < 0 || length > maxTokenLength) {
                    throw new FileFormatException(file, "length of token " + id, length + " is outside [0, "
                            + maxTokenLength + "] (max_token_length)");
                }
                pieces.add(in.bytes(length, "bytes of token " + id));
            }
            return new Llama2cTokenizer(pieces, scores);
        } catch (UncheckedIOException e) {
            throw new FileFormatException(file, "file", "cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public int vocabSize() { return pieces.size(); }

    /** llama2.c has no special-token syntax: {@code parseSpecial} changes nothing. */
    @Override
    public int[] encode(String text, boolean parseSpecial) {
        if (text.isEmpty()) {
            return new int[0];
        }
        byte[] utf8 = WellFormedText.of(text).getBytes(StandardCharsets.UTF_8);
        int[] symbols = new int[utf8.length + 1];
        int n = 0;
        Integer space = idsByPiece.get(" ");
        n = space != null ? put(symbols, n, space) : putBytes(symbols, n, utf8, -1, 0);
        for (int i = 0; i < utf8.length; ) {
            int end = i + 1;
            while (end < utf8.length && (utf8[end] & 0xC0) == 0x80 && end - i < 4) {
                end++;
            }
            Integer piece = idsByPiece.get(new String(utf8, i, end - i, StandardCharsets.ISO_8859_1));
            n = piece != null ? put(symbols, n, piece) : putBytes(symbols, n, utf8, i, end);
            i = end;
        }
        int[] positions = merges.merge(symbols, n);
        int[] ids = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            ids[k] = symbols[positions[k]];
        }
        return ids;
    }

    private static int put(int[] symbols, int n, int id) {
        symbols[n] = id;
        return n + 1;
    }

    /** Byte pieces for utf8[from, to), or for a lone space when from is -1. */
    private int putBytes(int[] symbols, int n, byte[] utf8, int from, int to) {
        if (from < 0) {
            return put(symbols, n, byteFallback ? FIRST_BYTE_PIECE + ' ' : UNK);
        }
        for (int i = from; i < to; i++) {
            n = put(symbols, n, byteFallback ? FIRST_BYTE_PIECE + (utf8[i] & 0xFF) : UNK);
        }
        return n;
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkDecodable(id);
        if (byteFallback && id >= FIRST_BYTE_PIECE && id < FIRST_BYTE_PIECE + 256) {
            return new byte[] {(byte) (id - FIRST_BYTE_PIECE)};
        }
        return pieces.get(id).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * As run.c prints: BOS and EOS give nothing, byte pieces their byte, and the piece right after a BOS loses
     * one leading space.
     */
    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            checkDecodable(id);
            if (id == BOS || id == EOS) {
                continue;
            }
            byte[] piece = tokenBytes(id);
            int skip = i > 0 && ids[i - 1] == BOS && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            bytes.write(piece, skip, piece.length - skip);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void checkDecodable(int id) {
        if (id < 0 || id >= pieces.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + pieces.size());
        }
    }

    @Override
    public OptionalInt bosId() { return OptionalInt.of(BOS); }

    @Override
    public OptionalInt eosId() { return OptionalInt.of(EOS); }

    @Override
    public boolean addBos() { return true; }

    /**
     * As a GGUF "llama" (SentencePiece) vocabulary: pieces as UTF-8 text with spaces spelled '\u2581', ids 0/1/2
     * unknown/control, {@code <0xNN>} pieces bytes. SentencePiece BPE then encodes as run.c does, provided the
     * pieces are valid UTF-8 and the vocabulary is the usual one: a " " piece, byte pieces, every character of
     * a mergeable piece a piece itself, mergeable pieces above run.c's score floor and the special pieces never
     * reachable by a merge. Other vocabularies give empty, since the two algorithms would part ways on them.
     */
    @Override
    public Optional<VocabularyData> vocabulary() {
        if (!byteFallback || !idsByPiece.containsKey(" ")) {
            return Optional.empty();
        }
        List<String> texts = new ArrayList<>(pieces.size());
        int[] types = new int[pieces.size()];
        for (int id = 0; id < pieces.size(); id++) {
            String text = utf8(pieces.get(id));
            if (text == null || text.indexOf(SentencePieceBpeTokenizer.SPACE) >= 0) {
                return Optional.empty();
            }
            TokenType type = id == UNK ? TokenType.UNKNOWN : id == BOS || id == EOS ? TokenType.CONTROL
                    : SentencePieceBpeTokenizer.isBytePiece(text) ? TokenType.BYTE : TokenType.NORMAL;
            boolean mergeable = type == TokenType.NORMAL && text.codePointCount(0, text.length()) > 1;
            boolean special = type == TokenType.CONTROL || type == TokenType.UNKNOWN;
            if (mergeable && (!(scores[id] > MERGE_SCORE_FLOOR) || !everyCharacterIsAPiece(pieces.get(id)))
                    || special && merges.produces(id)) {
                return Optional.empty();
            }
            texts.add(text.replace(' ', SentencePieceBpeTokenizer.SPACE));
            types[id] = type.ordinal();
        }
        return Optional.of(new VocabularyData("llama", "default", texts, scores.clone(), types, List.of(),
                BOS, EOS, UNK, -1, true, false, true));
    }

    /** The piece's bytes as UTF-8 text, or null when they are not valid UTF-8. */
    private static String utf8(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private boolean everyCharacterIsAPiece(String latin1Piece) {
        String text = utf8(latin1Piece);
        for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            String character = text.substring(i, text.offsetByCodePoints(i, 1));
            byte[] bytes = character.getBytes(StandardCharsets.UTF_8);
            if (!idsByPiece.containsKey(new String(bytes, StandardCharsets.ISO_8859_1))) {
                return false;
            }
        }
        return true;
    }
}
