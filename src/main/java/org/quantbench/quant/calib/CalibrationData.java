package org.quantbench.quant.calib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The calibration batch: {@code samples} sequences of {@code tokens} token ids drawn from a text file the user
 * chose. The file is a plain text file (documents separated by lines reading {@code <|endoftext|>}) or JSONL (one
 * object per line, its {@code "text"} field a document; the file name ends in {@code .jsonl}). Each document is
 * tokenized as the model expects (BOS when the tokenizer adds it), the documents are concatenated into one stream,
 * and each sample is a window of {@code tokens} ids starting at a seeded random offset. Its identity for the cache
 * is the file's SHA-256 with N, L and the seed.
 */
public record CalibrationData(Path source, String sha256, int[][] samples, int tokens, long seed) {
    public static final int DEFAULT_SAMPLES = 32;
    public static final int DEFAULT_TOKENS = 512;
    public static final long DEFAULT_SEED = 0;
    /** Larger files are refused rather than read: calibration needs thousands of tokens, not gigabytes. */
    static final long MAX_FILE_BYTES = 256L << 20;
    static final int MAX_SAMPLES = 1 << 16;
    static final int MAX_TOKENS = 1 << 16;
    /** File names that look like an evaluation split: calibrating on one inflates the scores measured on it. */
    private static final Pattern EVAL_SPLIT = Pattern.compile("(^|[^a-z])(test|valid|validation|val|dev|eval)([^a-z]|$)");
    private static final String DOCUMENT_SEPARATOR = "<|endoftext|>";

    public CalibrationData {
        if (samples.length == 0 || tokens < 1) {
            throw new IllegalArgumentException("calibration needs at least one sample of one token");
        }
        for (int[] s : samples) {
            if (s.length != tokens) {
                throw new IllegalArgumentException("every calibration sample must have " + tokens + " tokens");
            }
        }
    }

    public int sampleCount() { return samples.length; }

    /** The part of a cache key that names this batch: file hash, N, L, seed. */
    public String cacheTag() {
        return "calib-" + sha256.substring(0, 12) + "-n" + samples.length + "-l" + tokens + "-s" + seed;
    }

    /** Whether {@code file}'s name or folder looks like a test/validation split. */
    public static boolean looksLikeEvaluationSplit(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String name = abs.getFileName() == null ? "" : abs.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String parent = abs.getParent() == null || abs.getParent().getFileName() == null ? ""
                : abs.getParent().getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return EVAL_SPLIT.matcher(name).find() || EVAL_SPLIT.matcher(parent).find();
    }

    /**
     * Loads N x L tokens from {@code file}. A file that looks like an evaluation split gets a warning through
     * {@code warnings}; an unreadable, oversized, malformed or too short file is a {@link FileFormatException}.
     */
    public static CalibrationData load(Path file, Tokenizer tokenizer, int samples, int tokens, long seed,
                                       Consumer<String> warnings) {
        if (samples < 1 || samples > MAX_SAMPLES || tokens < 1 || tokens > MAX_TOKENS) {
            throw new IllegalArgumentException("calibration samples must be 1.." + MAX_SAMPLES + " and tokens 1.."
                    + MAX_TOKENS + ", got " + samples + " x " + tokens);
        }
        if (looksLikeEvaluationSplit(file)) {
            warnings.accept("warning: calibration file " + file + " looks like an evaluation split; scores measured on"
                    + " that split will be optimistic");
        }
        byte[] bytes = readCapped(file);
        String text = decode(file, bytes);
        List<String> documents = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jsonl")
                ? jsonlDocuments(file, text) : textDocuments(text);
        int[] stream = tokenize(documents, tokenizer, (long) samples * tokens);
        if (stream.length < tokens) {
            throw new FileFormatException(file, "text", "holds " + stream.length + " tokens; a calibration sample needs "
                    + tokens);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[][] windows = new int[samples][];
        for (int s = 0; s < samples; s++) {
            int start = random.nextInt(stream.length - tokens + 1);
            windows[s] = java.util.Arrays.copyOfRange(stream, start, start + tokens);
        }
        return new CalibrationData(file, sha256(bytes), windows, tokens, seed);
    }

    private static byte[] readCapped(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new FileFormatException(file, "size", size + " bytes exceeds the " + (MAX_FILE_BYTES >> 20)
                        + " MiB a calibration file may have");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FileFormatException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    private static String decode(Path file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "text", "is not valid UTF-8", e);
        }
    }

    private static List<String> textDocuments(String text) {
        List<String> docs = new ArrayList<>();
        StringBuilder doc = new StringBuilder();
        for (String line : text.split("\r?\n", -1)) {
            if (line.strip().equals(DOCUMENT_SEPARATOR)) {
                docs.add(doc.toString());
                doc.setLength(0);
            } else {
                doc.append(line).append('\n');
            }
        }
        docs.add(doc.toString());
        return docs;
    }

    private static List<String> jsonlDocuments(Path file, String text) {
        ObjectMapper json = new ObjectMapper();
        List<String> docs = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode row;
            try {
                row = json.readTree(lines[i]);
            } catch (IOException e) {
                throw new FileFormatException(file, "line " + (i + 1), "is not JSON: " + e.getMessage(), e);
            }
            JsonNode t = row == null ? null : row.get("text");
            if (t == null || !t.isTextual()) {
                throw new FileFormatException(file, "line " + (i + 1), "has no string field \"text\"");
            }
            docs.add(t.asText());
        }
        return docs;
    }

    /** Tokenizes documents until the stream holds several times the tokens needed (enough for varied windows). */
    private static int[] tokenize(List<String> documents, Tokenizer tokenizer, long needed) {
        long enough = Math.max(needed * 8, 1 << 16);
        int[] stream = new int[1024];
        int n = 0;
        for (String doc : documents) {
            String d = doc.strip();
            if (d.isEmpty()) {
                continue;
            }
            int[] ids = tokenizer.encodeForModel(d);
            if (n + ids.length > stream.length) {
                stream = java.util.Arrays.copyOf(stream, Math.max(n + ids.length, stream.length * 2));
            }
            System.arraycopy(ids, 0, stream, n, ids.length);
            n += ids.length;
            if (n >= enough) {
                break;
            }
        }
        return java.util.Arrays.copyOf(stream, n);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationData c && c.sha256.equals(sha256) && c.tokens == tokens && c.seed == seed
                && java.util.Arrays.deepEquals(c.samples, samples);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode() * 31 + java.util.Arrays.deepHashCode(samples);
    }

    @Override
    public String toString() {
        return "CalibrationData[" + source + ", " + samples.length + " x " + tokens + ", seed " + seed + "]";
    }
}
