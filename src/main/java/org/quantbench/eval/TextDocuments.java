package org.quantbench.eval;

import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an evaluation text: strict UTF-8, optionally cut into documents at separator lines. */
public final class TextDocuments {
    /** Texts larger than this are refused rather than read into memory. */
    static final long MAX_BYTES = 1L << 30;

    private TextDocuments() {}

    /**
     * @param separator a line that separates documents (e.g. {@code <|endoftext|>}); null keeps the file whole
     * @param strip     trim whitespace around each document and drop empty ones
     * @param maxBytes  read only the first bytes of the file (0 = all); a cut UTF-8 sequence at the end is dropped
     */
    public static List<String> read(Path file, String separator, boolean strip, long maxBytes) {
        String text = decode(file, maxBytes);
        List<String> docs = new ArrayList<>();
        if (separator == null) {
            docs.add(text);
        } else {
            StringBuilder current = new StringBuilder();
            for (String line : text.split("\n", -1)) {
                if (line.strip().equals(separator)) {
                    docs.add(current.toString());
                    current.setLength(0);
                } else {
                    current.append(line).append('\n');
                }
            }
            if (!current.isEmpty()) {
                current.setLength(current.length() - 1);
                docs.add(current.toString());
            }
        }
        if (strip) {
            docs.replaceAll(String::strip);
            docs.removeIf(String::isEmpty);
        }
        return docs;
    }

    private static String decode(Path file, long maxBytes) {
        try {
            long size = Files.size(file);
            long take = maxBytes > 0 ? Math.min(size, maxBytes) : size;
            if (take > MAX_BYTES) {
                throw new FileFormatException(file, "size", take + " bytes is more than the " + MAX_BYTES + " a text may have");
            }
            byte[] bytes;
            try (var in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) take);
            }
            int len = bytes.length;
            if (take < size) {
                len = completeUtf8Prefix(bytes);
            }
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, len)).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "text", "is not valid UTF-8");
        } catch (IOException e) {
            throw new FileFormatException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Length of the longest prefix that does not end inside a multi-byte UTF-8 sequence. */
    private static int completeUtf8Prefix(byte[] b) {
        int end = b.length;
        int i = end - 1;
        while (i >= 0 && i > end - 4 && (b[i] & 0xC0) == 0x80) {
            i--;
        }
        if (i < 0) {
            return end;
        }
        int lead = b[i] & 0xFF;
        int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return end - i >= need ? end : i;
    }
}
