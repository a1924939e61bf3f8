package org.quantbench.export.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/** A buffered little-endian writer over a channel that counts the bytes it has written. */
final class LittleEndianOutput {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    LittleEndianOutput(FileChannel channel) {
        this.channel = channel;
    }

    long position() { return written + buffer.position(); }

    void u8(int v) throws IOException { room(1).put((byte) v); }

    void u16(int v) throws IOException { room(2).putShort((short) v); }

    void u32(long v) throws IOException { room(4).putInt((int) v); }

    void u64(long v) throws IOException { room(8).putLong(v); }

    void f32(float v) throws IOException { room(4).putFloat(v); }

    void f64(double v) throws IOException { room(8).putDouble(v); }

    /** u64 byte length + UTF-8 bytes, GGUF's string encoding. */
    void string(String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u64(utf8.length);
        bytes(utf8, 0, utf8.length);
    }

    void bytes(byte[] data, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, room(1).remaining());
            buffer.put(data, offset, n);
            offset += n;
            length -= n;
        }
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    void pad(int alignment) throws IOException {
        long padding = (alignment - position() % alignment) % alignment;
        for (long i = 0; i < padding; i++) {
            u8(0);
        }
    }

    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            written += channel.write(buffer);
        }
        buffer.clear();
    }

    private ByteBuffer room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
        return buffer;
    }
}
