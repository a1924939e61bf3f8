package org.quantbench.model.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Assembles small valid GGUF v3 files (alignment 32) for reader tests, independently of the product's writer. */
final class TestGguf {
    private record Tensor(String name, long typeId, byte[] data, long[] ne) {}

    private final List<Consumer<GgufBytes>> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();

    TestGguf str(String key, String value) { return kv(b -> b.key(key, GgufBytes.STRING).str(value)); }

    TestGguf u32(String key, long value) { return kv(b -> b.key(key, GgufBytes.UINT32).u32(value)); }

    TestGguf f32(String key, float value) { return kv(b -> b.key(key, GgufBytes.FLOAT32).f32(value)); }

    TestGguf bool(String key, boolean value) { return kv(b -> b.key(key, 7).u8(value ? 1 : 0)); }

    TestGguf strings(String key, List<String> values) {
        return kv(b -> {
            b.key(key, GgufBytes.ARRAY).u32(GgufBytes.STRING).u64(values.size());
            values.forEach(b::str);
        });
    }

    TestGguf floats(String key, float[] values) {
        return kv(b -> {
            b.key(key, GgufBytes.ARRAY).u32(GgufBytes.FLOAT32).u64(values.length);
            for (float v : values) b.f32(v);
        });
    }

    TestGguf ints(String key, int[] values) {
        return kv(b -> {
            b.key(key, GgufBytes.ARRAY).u32(5).u64(values.length);
            for (int v : values) b.u32(v);
        });
    }

    TestGguf kv(Consumer<GgufBytes> writer) {
        kvs.add(writer);
        return this;
    }

    /** An F32 tensor whose element i is {@code seed + i / 64f}. */
    TestGguf f32Tensor(String name, float seed, long... ne) {
        long n = 1;
        for (long d : ne) n *= d;
        ByteBuffer data = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) data.putFloat(seed + i / 64f);
        return tensor(name, 0, data.array(), ne);
    }

    TestGguf tensor(String name, long typeId, byte[] data, long... ne) {
        tensors.add(new Tensor(name, typeId, data, ne));
        return this;
    }

    byte[] build() {
        GgufBytes b = GgufBytes.header(tensors.size(), kvs.size());
        kvs.forEach(kv -> kv.accept(b));
        long offset = 0;
        for (Tensor t : tensors) {
            b.tensorInfo(t.name, t.typeId, offset, t.ne);
            offset = (offset + t.data.length + 31) / 32 * 32;
        }
        b.padTo(32);
        for (int i = 0; i < tensors.size(); i++) {
            b.raw(tensors.get(i).data);
            if (i < tensors.size() - 1) {
                b.padTo(32);
            }
        }
        return b.toArray();
    }

    Path write(Path file) throws IOException {
        return Files.write(file, build());
    }
}
