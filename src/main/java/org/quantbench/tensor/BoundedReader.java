package org.quantbench.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A little-endian cursor over a segment for parsing headers from untrusted files: every read is bounds-checked
 * and every failure is a {@link FileFormatException} naming the file and the field being read.
 */
public final class BoundedReader {
    private final Path file;
    private final MemorySegment segment;
    private long position;

    public BoundedReader(Path file, MemorySegment segment, long position) {
        this.file = file;
        this.segment = segment;
        this.position = position;
    }

    public long position() { return position; }

    public long remaining() { return segment.byteSize() - position; }

    public Path file() { return file; }

    private long claim(long bytes, String field) {
        if (bytes < 0 || bytes > remaining()) {
            throw new FileFormatException(file, field, "needs " + bytes + " bytes at offset " + position
                    + " but the file has " + Math.max(0, remaining()) + " left (truncated?)");
        }
        long at = position;
        position += bytes;
        return at;
    }

    public void skip(long bytes, String field) { claim(bytes, field); }

    public int u8(String field) { return segment.get(ValueLayout.JAVA_BYTE, claim(1, field)) & 0xFF; }

    public short i16(String field) { return segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, claim(2, field)); }

    public int i32(String field) { return segment.get(ValueLayout.JAVA_INT_UNALIGNED, claim(4, field)); }

    public long u32(String field) { return Integer.toUnsignedLong(i32(field)); }

    public long i64(String field) { return segment.get(ValueLayout.JAVA_LONG_UNALIGNED, claim(8, field)); }

    public float f32(String field) { return segment.get(ValueLayout.JAVA_FLOAT_UNALIGNED, claim(4, field)); }

    public double f64(String field) { return segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, claim(8, field)); }

    /** A count read as u64 that must lie in [0, max]: guards every allocation sized by the file. */
    public long count(String field, long max) {
        long value = i64(field);
        return checkCount(field, value, max);
    }

    public long checkCount(String field, long value, long max) {
        if (value < 0 || value > max) {
            throw new FileFormatException(file, field, "count " + Long.toUnsignedString(value) + " is out of range [0, " + max + "]");
        }
        return value;
    }

    public byte[] bytes(long length, String field) {
        if (length > Integer.MAX_VALUE - 16) {
            throw new FileFormatException(file, field, "length " + length + " is too large");
        }
        long at = claim(length, field);
        return segment.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Strict UTF-8: invalid bytes are a format error, not silently replaced. */
    public String utf8(long length, String field) {
        byte[] raw = bytes(length, field);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, field, "is not valid UTF-8");
        }
    }
}
