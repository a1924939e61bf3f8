package org.quantbench.quant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache entry writer: linears streamed in one at a time come back byte for byte; an unfinished entry leaves nothing. */
class QuantizedModelStoreTest {
    @TempDir
    Path dir;

    private final Scheme scheme = SchemeNames.parse("W4A16-RTN-g32-sym");
    private final SchemeCodec codec = SchemeCodecs.of(scheme);

    @Test
    void streamedLinearsReadBackExactly() {
        QuantizedModelStore store = new QuantizedModelStore(dir);
        Path folder = dir.resolve("entry");
        // 2,304 x 1,024 4-bit codes: a buffer over the writer's 1 MiB copy chunk
        Map<String, QuantizedLinear> linears = new LinkedHashMap<>();
        linears.put("blk.0.attn_q.weight", codec.quantize(LinearContractAssertions.gaussianTensor("a", 2304, 1024, 1)));
        linears.put("blk.0.attn_k.weight", codec.quantize(LinearContractAssertions.gaussianTensor("b", 7, 64, 2)));
        try (QuantizedModelStore.EntryWriter w = store.writer(folder)) {
            linears.forEach(w::add);
            w.finish(scheme, Map.of("blk.0.attn_norm.weight", new float[] {1f, 2f}), JsonNodeFactory.instance.objectNode());
        }
        try (QuantizedModelStore.Entry entry = store.open(folder).orElseThrow()) {
            assertThat(entry.linears().keySet()).containsExactly("blk.0.attn_q.weight", "blk.0.attn_k.weight");
            for (var e : linears.entrySet()) {
                QuantizedModelStore.StoredLinear stored = entry.linears().get(e.getKey());
                assertThat(stored.rows()).isEqualTo(e.getValue().outFeatures());
                assertThat(stored.cols()).isEqualTo(e.getValue().inFeatures());
                assertThat(stored.buffers().keySet()).isEqualTo(e.getValue().buffers().keySet());
                for (var b : e.getValue().buffers().entrySet()) {
                    MemorySegment back = stored.buffers().get(b.getKey());
                    assertThat(back.mismatch(b.getValue())).as(e.getKey() + " " + b.getKey()).isEqualTo(-1);
                }
            }
            assertThat(entry.norms().get("blk.0.attn_norm.weight")).containsExactly(1f, 2f);
        }
        assertThat(siblings()).containsExactly("entry");
    }

    @Test
    void anUnfinishedEntryLeavesNoFolder() throws IOException {
        QuantizedModelStore store = new QuantizedModelStore(dir);
        Path folder = dir.resolve("entry");
        try (QuantizedModelStore.EntryWriter w = store.writer(folder)) {
            w.add("blk.0.attn_q.weight", codec.quantize(LinearContractAssertions.gaussianTensor("a", 8, 64, 1)));
            assertThatThrownBy(() -> w.add("blk.0.attn_q.weight",
                    codec.quantize(LinearContractAssertions.gaussianTensor("a", 8, 64, 1))))
                    .hasMessageContaining("added twice");
        }
        assertThat(store.open(folder)).isEmpty();
        assertThat(siblings()).isEmpty();
    }

    private java.util.List<String> siblings() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
