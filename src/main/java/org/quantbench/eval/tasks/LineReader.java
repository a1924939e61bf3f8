package org.quantbench.eval.tasks;

import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a task file line by line at the byte level, so an error names the exact line: a line longer than
 * {@link #MAX_LINE_BYTES} stops the read as soon as the cap is passed (nothing more of it is read), and text is
 * decoded as strict UTF-8 line by line. A trailing {@code \r} is dropped (CRLF files).
 */
final class LineReader implements AutoCloseable {
    /** One item per line; real rows are a few kilobytes. */
    static final int MAX_LINE_BYTES = 1 << 20;
    /** Items are held in memory, so the file is capped before anything is read. */
    static final long MAX_FILE_BYTES = 1L << 30;

    private final Path file;
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkLen;
    private byte[] line = new byte[256];
    private int lineNumber;
    private boolean endedWithCr;
    private boolean eof;

    LineReader(Path file) {
        this.file = file;
        try {
            if (!Files.isRegularFile(file)) {
                throw new FileFormatException(file, "file", "not a readable file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new FileFormatException(file, "file", size + " bytes is more than the " + MAX_FILE_BYTES
                        + " a task file may have");
            }
            this.in = Files.newInputStream(file);
        } catch (IOException e) {
            throw new FileFormatException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    Path file() { return file; }

    /** The 1-based number of the line last returned by {@link #next()}. */
    int lineNumber() { return lineNumber; }

    /** Whether the line last returned ended in CR LF (the CR was dropped). */
    boolean endedWithCr() { return endedWithCr; }

    /** The next line's bytes without its line end, or null at the end of the file. */
    byte[] next() {
        if (eof) {
            return null;
        }
        int len = 0;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkLen && !fill()) {
                eof = true;
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            int start = chunkPos;
            int nl = -1;
            for (int i = chunkPos; i < chunkLen; i++) {
                if (chunk[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? chunkLen : nl;
            len = append(start, end - start, len);
            chunkPos = nl < 0 ? chunkLen : nl + 1;
            if (nl >= 0) {
                break;
            }
        }
        lineNumber++;
        endedWithCr = len > 0 && line[len - 1] == '\r';
        return Arrays.copyOf(line, endedWithCr ? len - 1 : len);
    }

    private int append(int from, int count, int len) {
        if ((long) len + count > MAX_LINE_BYTES) {
            throw new FileFormatException(file, "line " + (lineNumber + 1), "is longer than " + MAX_LINE_BYTES
                    + " bytes (the cap for one item); the file is refused");
        }
        if (len + count > line.length) {
            line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(len + count, 2 * line.length)));
        }
        System.arraycopy(chunk, from, line, len, count);
        return len + count;
    }

    private boolean fill() {
        try {
            int n = in.read(chunk);
            chunkPos = 0;
            chunkLen = Math.max(n, 0);
            return n > 0;
        } catch (IOException e) {
            throw new FileFormatException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8 text of {@code bytes} from line {@code line}; a byte-order mark opening the file is dropped. */
    String decode(byte[] bytes, int line) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return line == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "line " + line, "is not valid UTF-8");
        }
    }

    static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new FileFormatException(file, "file", "cannot be closed: " + e.getMessage(), e);
        }
    }
}
