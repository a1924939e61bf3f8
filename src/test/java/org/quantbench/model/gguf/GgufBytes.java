package org.quantbench.model.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Little-endian bytes for hand-made (and deliberately malformed) GGUF files. */
final class GgufBytes {
    static final int STRING = 8;
    static final int ARRAY = 9;
    static final int UINT32 = 4;
    static final int FLOAT32 = 6;

    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    /** Magic, version 3, tensor and key/value counts. */
    static GgufBytes header(long tensors, long kvs) {
        return new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensors).u64(kvs);
    }

    GgufBytes u8(int v) { room(1).put((byte) v); return this; }

    GgufBytes u32(long v) { room(4).putInt((int) v); return this; }

    GgufBytes u64(long v) { room(8).putLong(v); return this; }

    GgufBytes f32(float v) { room(4).putFloat(v); return this; }

    GgufBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).raw(b);
    }

    GgufBytes raw(byte... bytes) { room(bytes.length).put(bytes); return this; }

    /** A key and the id of its value type; the value follows. */
    GgufBytes key(String key, int type) { return str(key).u32(type); }

    GgufBytes tensorInfo(String name, long typeId, long offset, long... ne) {
        str(name).u32(ne.length);
        for (long d : ne) {
            u64(d);
        }
        return u32(typeId).u64(offset);
    }

    GgufBytes padTo(int alignment) {
        while (size() % alignment != 0) {
            u8(0);
        }
        return this;
    }

    int size() { return buf.position(); }

    byte[] toArray() { return Arrays.copyOf(buf.array(), buf.position()); }

    private ByteBuffer room(int n) {
        if (buf.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
            bigger.put(buf.array(), 0, buf.position());
            buf = bigger;
        }
        return buf;
    }
}
