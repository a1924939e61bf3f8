package org.quantbench.export.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.safetensors.SafetensorsDType;
import org.quantbench.model.safetensors.SafetensorsFile;
import org.quantbench.model.safetensors.SafetensorsTensorInfo;
import org.quantbench.tensor.RowDecoders;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 3);
        }
        return v;
    }

    @Test
    void roundTripsEveryDtypeAndShape() throws IOException {
        float[] f32 = random(6, 1);
        float[] f16 = random(3, 2);
        float[] bf16 = random(8, 3);
        int[] ints = {7, -1, Integer.MAX_VALUE, 0};
        byte[] u8 = {1, 2, (byte) 255};
        ByteBuffer intBytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : ints) {
            intBytes.putInt(i);
        }
        intBytes.flip();
        List<SafetensorsEntry> entries = List.of(
                SafetensorsEntry.matrix("a.f32", SafetensorsDType.F32, 2, 3, TensorContent.ofFloats(f32)),
                SafetensorsEntry.vector("b.f16", SafetensorsDType.F16, 3, TensorContent.ofFloats(f16)),
                SafetensorsEntry.matrix("c.bf16", SafetensorsDType.BF16, 4, 2,
                        TensorContent.ofRows(4, 2, (row, values) -> System.arraycopy(bf16, row * 2, values, 0, 2))),
                SafetensorsEntry.vector("d.i32", SafetensorsDType.I32, 4, sink -> sink.writeBytes(intBytes)),
                SafetensorsEntry.vector("e.u8", SafetensorsDType.U8, 3, sink -> sink.writeBytes(MemorySegment.ofArray(u8))),
                SafetensorsEntry.matrix("f.empty", SafetensorsDType.F32, 0, 4, sink -> { }),
                new SafetensorsEntry("g.scalar", SafetensorsDType.F32, List.of(), TensorContent.ofFloats(new float[] {42})));
        Path file = dir.resolve("out.safetensors");
        Map<String, String> metadata = Map.of("format", "pt", "note", "quotes \" and \u00e9");
        SafetensorsWriter.write(file, entries, metadata);

        byte[] raw = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + headerLength) % 8).isZero();
        assertThat(raw[8]).isEqualTo((byte) '{');
        String header = new String(raw, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header.stripTrailing()).endsWith("}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" {0,7}");
        assertThat((long) raw.length).isEqualTo(SafetensorsWriter.fileBytes(entries, metadata));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.metadata()).isEqualTo(metadata);
            assertThat(st.tensorInfos()).extracting(SafetensorsTensorInfo::name)
                    .containsExactly("a.f32", "b.f16", "c.bf16", "d.i32", "e.u8", "f.empty", "g.scalar");
            assertThat(st.info("c.bf16").orElseThrow().shape()).containsExactly(4L, 2L);
            assertThat(st.info("g.scalar").orElseThrow().shape()).isEmpty();
            assertThat(st.tensor("a.f32").toFloatArray()).containsExactly(f32);
            float[] halfRead = st.tensor("b.f16").toFloatArray();
            for (int i = 0; i < f16.length; i++) {
                assertThat(halfRead[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(f16[i])));
            }
            float[] bfRead = st.tensor("c.bf16").toFloatArray();
            for (int i = 0; i < bf16.length; i++) {
                assertThat(bfRead[i]).isEqualTo(RowDecoders.bf16ToFloat(RowDecoders.floatToBf16(bf16[i])));
            }
            MemorySegment intsRead = st.bytes("d.i32");
            for (int i = 0; i < ints.length; i++) {
                assertThat(intsRead.get(ValueLayout.JAVA_INT_UNALIGNED, 4L * i)).isEqualTo(ints[i]);
            }
            assertThat(st.bytes("e.u8").toArray(ValueLayout.JAVA_BYTE)).containsExactly(u8);
            assertThat(st.tensor("f.empty").rows()).isZero();
            assertThat(st.tensor("g.scalar").toFloatArray()).containsExactly(42f);
        }
    }

    @Test
    void streamsTensorsLargerThanItsBuffer() throws IOException {
        int rows = 700;
        int cols = 1000; // 2.8 MB of F32: several buffer drains, one row straddling each boundary
        Path file = dir.resolve("big.safetensors");
        long[] reported = {0};
        SafetensorsWriter.write(file, List.of(SafetensorsEntry.matrix("w", SafetensorsDType.F32, rows, cols,
                TensorContent.ofRows(rows, cols, (row, values) -> {
                    for (int c = 0; c < cols; c++) {
                        values[c] = row * 1000f + c;
                    }
                }))), Map.of(), bytes -> reported[0] += bytes);
        assertThat(reported[0]).isEqualTo(Files.size(file));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            float[] row = new float[cols];
            for (int r : new int[] {0, 262, 263, 699}) {
                st.tensor("w").readRow(r, row, 0);
                assertThat(row[0]).isEqualTo(r * 1000f);
                assertThat(row[cols - 1]).isEqualTo(r * 1000f + cols - 1);
            }
        }
    }

    @Test
    void aFailedWriteLeavesNoFileAndKeepsTheOldOne() throws IOException {
        Path file = dir.resolve("keep.safetensors");
        SafetensorsWriter.write(file, List.of(SafetensorsEntry.vector("v", SafetensorsDType.F32, 2,
                TensorContent.ofFloats(new float[] {1, 2}))), Map.of());
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> SafetensorsWriter.write(file, List.of(SafetensorsEntry.vector("v", SafetensorsDType.F32, 3,
                TensorContent.ofFloats(new float[] {1, 2}))), Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("v: content wrote 8 of 12 bytes");
        assertThatThrownBy(() -> SafetensorsWriter.write(file, List.of(SafetensorsEntry.vector("v", SafetensorsDType.F32, 1,
                TensorContent.ofFloats(new float[] {1, 2}))), Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("past");
        assertThatThrownBy(() -> SafetensorsWriter.write(file, List.of(SafetensorsEntry.vector("v", SafetensorsDType.F32, 2,
                sink -> { throw new IOException("disk full"); })), Map.of()))
                .isInstanceOf(IOException.class).hasMessage("disk full");
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("new.safetensors"), List.of(SafetensorsEntry.vector("i",
                SafetensorsDType.I32, 2, TensorContent.ofFloats(new float[] {1, 2}))), Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("I32");

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void refusesInvalidEntries() {
        TensorContent none = sink -> { };
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("x.safetensors"), List.of(
                SafetensorsEntry.vector("v", SafetensorsDType.F32, 0, none),
                SafetensorsEntry.vector("v", SafetensorsDType.F32, 0, none)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> SafetensorsEntry.vector("__metadata__", SafetensorsDType.F32, 1, none))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafetensorsEntry.vector("v", SafetensorsDType.F32, -1, none))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafetensorsEntry.vector("v", SafetensorsDType.F4, 3, none))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
