package org.quantbench.export.safetensors;

import org.quantbench.model.safetensors.SafetensorsDType;
import org.quantbench.tensor.RowDecoders;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.function.LongConsumer;

/**
 * Where a {@link TensorContent} writes the current tensor: floats are encoded to the entry's dtype (little-endian,
 * BF16 rounded to nearest even), raw bytes pass through. Writing past the entry's length is an error, and so is
 * stopping short (checked by the writer).
 */
public final class TensorSink {
    private static final int BUFFER_BYTES = 1 << 20;

    private final WritableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** The whole buffer as a segment (taken while position is 0), addressed with absolute offsets. */
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);
    private final LongConsumer progress;
    private SafetensorsEntry entry;
    private long remaining;

    TensorSink(WritableByteChannel channel, LongConsumer progress) {
        this.channel = channel;
        this.progress = progress;
    }

    void begin(SafetensorsEntry next) {
        entry = next;
        remaining = next.byteLength();
    }

    void end() throws IOException {
        if (remaining != 0) {
            throw new IllegalStateException(entry.name() + ": content wrote " + (entry.byteLength() - remaining)
                    + " of " + entry.byteLength() + " bytes");
        }
    }

    public String name() { return entry.name(); }

    public SafetensorsDType dtype() { return entry.dtype(); }

    public long remainingBytes() { return remaining; }

    /** Encodes {@code length} floats as F32, F16 or BF16, the entry's dtype. */
    public void writeFloats(float[] values, int offset, int length) throws IOException {
        SafetensorsDType dtype = entry.dtype();
        int width = switch (dtype) {
            case F32 -> 4;
            case F16, BF16 -> 2;
            default -> throw new IllegalStateException(entry.name() + ": floats cannot be written as " + dtype
                    + "; write its bytes");
        };
        claim((long) length * width);
        int done = 0;
        while (done < length) {
            if (buffer.remaining() < width) {
                drain();
            }
            int n = Math.min(length - done, buffer.remaining() / width);
            int from = offset + done;
            switch (dtype) {
                case F32 -> { for (int i = 0; i < n; i++) buffer.putFloat(values[from + i]); }
                case F16 -> { for (int i = 0; i < n; i++) buffer.putShort(Float.floatToFloat16(values[from + i])); }
                default -> { for (int i = 0; i < n; i++) buffer.putShort(RowDecoders.floatToBf16(values[from + i])); }
            }
            done += n;
        }
    }

    /** Raw little-endian bytes of any dtype. */
    public void writeBytes(ByteBuffer bytes) throws IOException {
        claim(bytes.remaining());
        while (bytes.hasRemaining()) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int n = Math.min(buffer.remaining(), bytes.remaining());
            buffer.put(buffer.position(), bytes, bytes.position(), n);
            buffer.position(buffer.position() + n);
            bytes.position(bytes.position() + n);
        }
    }

    public void writeBytes(MemorySegment bytes) throws IOException {
        claim(bytes.byteSize());
        long done = 0;
        while (done < bytes.byteSize()) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int n = (int) Math.min(buffer.remaining(), bytes.byteSize() - done);
            MemorySegment.copy(bytes, done, bufferSegment, buffer.position(), n);
            buffer.position(buffer.position() + n);
            done += n;
        }
    }

    private void claim(long bytes) {
        if (bytes > remaining) {
            throw new IllegalStateException(entry.name() + ": content writes past the tensor's " + entry.byteLength() + " bytes");
        }
        remaining -= bytes;
    }

    private void drain() throws IOException {
        buffer.flip();
        long written = buffer.remaining();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
        progress.accept(written);
    }

    /** Writes out what is buffered. */
    void flush() throws IOException {
        if (buffer.position() > 0) {
            drain();
        }
    }
}
