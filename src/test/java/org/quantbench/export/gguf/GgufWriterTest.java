package org.quantbench.export.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.gguf.GgufArray;
import org.quantbench.model.gguf.GgufFile;
import org.quantbench.model.gguf.GgufTensorInfo;
import org.quantbench.model.gguf.GgufValue;
import org.quantbench.model.gguf.GgufValueType;
import org.quantbench.model.tokenizer.VocabularyData;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.GgmlQuantizers;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufWriterTest {

    /** One key of every scalar type (extremes included) and arrays of every element type, nested and empty. */
    static Map<String, GgufValue> allTypes() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("t.uint8", GgufValue.integer(GgufValueType.UINT8, 255));
        m.put("t.int8", GgufValue.integer(GgufValueType.INT8, -128));
        m.put("t.uint16", GgufValue.integer(GgufValueType.UINT16, 65535));
        m.put("t.int16", GgufValue.integer(GgufValueType.INT16, -32768));
        m.put("t.uint32", GgufValue.uint32(4_294_967_295L));
        m.put("t.int32", GgufValue.int32(Integer.MIN_VALUE));
        m.put("t.float32", GgufValue.float32(-1.5e-7f));
        m.put("t.bool", GgufValue.bool(true));
        m.put("t.string", GgufValue.string("héllo ✓ 𝄞"));
        m.put("t.empty_string", GgufValue.string(""));
        m.put("t.uint64", GgufValue.uint64(-1L)); // 2^64 - 1
        m.put("t.int64", GgufValue.integer(GgufValueType.INT64, Long.MIN_VALUE));
        m.put("t.float64", GgufValue.float64(Math.PI));
        m.put("a.uint8", GgufValue.array(GgufArray.ofIntegers(GgufValueType.UINT8, new long[] {0, 1, 255})));
        m.put("a.int8", GgufValue.array(GgufArray.ofIntegers(GgufValueType.INT8, new long[] {-128, 127})));
        m.put("a.uint16", GgufValue.array(GgufArray.ofIntegers(GgufValueType.UINT16, new long[] {65535})));
        m.put("a.int16", GgufValue.array(GgufArray.ofIntegers(GgufValueType.INT16, new long[] {-2, 2})));
        m.put("a.uint32", GgufValue.array(GgufArray.ofIntegers(GgufValueType.UINT32, new long[] {4_000_000_000L})));
        m.put("a.int32", GgufValue.array(GgufArray.ofInt32(new int[] {1, -1, 3})));
        m.put("a.uint64", GgufValue.array(GgufArray.ofIntegers(GgufValueType.UINT64, new long[] {-1L, 7})));
        m.put("a.int64", GgufValue.array(GgufArray.ofIntegers(GgufValueType.INT64, new long[] {Long.MAX_VALUE})));
        m.put("a.float32", GgufValue.array(GgufArray.ofFloat32(new float[] {0.1f, -0f, Float.NaN, Float.POSITIVE_INFINITY})));
        m.put("a.float64", GgufValue.array(GgufArray.ofFloat64(new double[] {0.1, 1e300})));
        m.put("a.bool", GgufValue.array(GgufArray.ofBools(new boolean[] {true, false, true})));
        m.put("a.string", GgufValue.array(GgufArray.ofStrings(List.of("a", "", "ü"))));
        m.put("a.empty", GgufValue.array(GgufArray.ofStrings(List.of())));
        m.put("a.nested", GgufValue.array(GgufArray.ofArrays(List.of(
                GgufArray.ofInt32(new int[] {1, 2}),
                GgufArray.ofArrays(List.of(GgufArray.ofStrings(List.of("deep")))),
                GgufArray.ofFloat32(new float[0])))));
        return m;
    }

    @Test
    void metadataOfEveryTypeRoundTrips(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("meta.gguf");
        new GgufWriter().putAll(allTypes()).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.version()).isEqualTo(3);
            assertThat(gguf.metadata()).containsExactlyEntriesOf(allTypes());
            assertThat(gguf.tensorInfos()).isEmpty();
            assertThat(gguf.getInt("t.uint16")).isEqualTo(65535);
            assertThat(gguf.getLong("t.uint32")).isEqualTo(4_294_967_295L);
            assertThat(gguf.getFloat("t.float64")).isEqualTo((float) Math.PI);
            assertThat(gguf.getBool("t.bool")).isTrue();
            assertThat(gguf.getString("t.string")).isEqualTo("héllo ✓ 𝄞");
            assertThat(gguf.getIntArray("a.int32")).containsExactly(1, -1, 3);
            assertThat(gguf.getFloatArray("a.float32")).hasSize(4);
            assertThat(gguf.getStringArray("a.string")).containsExactly("a", "", "ü");
            assertThat(gguf.getArray("a.nested").getArray(1).getArray(0).getString(0)).isEqualTo("deep");
        }
    }

    @Test
    void tensorsRoundTripAlignedAndDecoded(@TempDir Path dir) throws IOException {
        int cols = 64;
        int rows = 3;
        GgufTensorSpec.FloatRows source = (r, dst) -> {
            for (int c = 0; c < dst.length; c++) dst[c] = (float) Math.sin(r * 100 + c) * (r + 1);
        };
        // Q4_K rows pre-encoded by the caller: raw bytes pass through untouched.
        byte[] q4k = new byte[144];
        for (int i = 0; i < q4k.length; i++) q4k[i] = (byte) (i * 31 + 7);
        q4k[0] = 0x00; q4k[1] = 0x34; // d = 0.25
        q4k[2] = 0x00; q4k[3] = 0x30; // dmin = 0.125
        Path file = dir.resolve("tensors.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("test"))
                .add(GgufTensorSpec.fromFloatRows("f32.vector", DType.F32, source, 5))
                .add(GgufTensorSpec.fromFloatRows("f16.matrix", DType.F16, source, cols, rows))
                .add(GgufTensorSpec.fromFloatRows("bf16.matrix", DType.BF16, source, cols, rows))
                .add(GgufTensorSpec.fromFloatRows("q8_0.matrix", DType.Q8_0, source, cols, rows))
                .add(GgufTensorSpec.fromFloatRows("q4_0.matrix", DType.Q4_0, source, cols, rows))
                .add(GgufTensorSpec.fromFloatRows("q4_1.cube", DType.Q4_1, source, cols, 2, 2))
                .add(GgufTensorSpec.fromEncodedRows("q4_k.raw", DType.Q4_K,
                        (r, dst) -> MemorySegment.copy(MemorySegment.ofArray(q4k), 0, dst, 0, 144), 256, 2))
                .write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.dataOffset() % 32).isZero();
            for (GgufTensorInfo info : gguf.tensorInfos()) {
                assertThat(info.offset() % 32).as(info.name()).isZero();
            }
            assertThat(gguf.tensorInfo("q4_1.cube").shape()).containsExactly(64L, 2L, 2L);
            assertThat(gguf.tensorInfo("f32.vector").shape()).containsExactly(5L);

            WeightTensor vector = gguf.tensor("f32.vector");
            assertThat(vector.rows()).isEqualTo(1);
            assertThat(vector.toFloatArray()).containsExactly(expectedRow(source, 0, 5));
            for (String name : List.of("f16.matrix", "bf16.matrix", "q8_0.matrix", "q4_0.matrix", "q4_1.cube")) {
                WeightTensor t = gguf.tensor(name);
                assertThat(t.cols()).isEqualTo(cols);
                for (int r = 0; r < t.rows(); r++) {
                    float[] actual = new float[cols];
                    t.readRow(r, actual, 0);
                    assertThat(actual).as(name + " row " + r).containsExactly(storedAs(t.dtype(), expectedRow(source, r, cols)));
                }
            }
            WeightTensor raw = gguf.tensor("q4_k.raw");
            assertThat(raw.dtype()).isEqualTo(DType.Q4_K);
            assertThat(raw.data().asSlice(144).toArray(ValueLayout.JAVA_BYTE)).containsExactly(q4k);
            long last = gguf.dataOffset() + gguf.tensorInfo("q4_k.raw").offset() + 288;
            assertThat(Files.size(file)).isEqualTo(last);
        }
    }

    @Test
    void vocabularyRoundTrips(@TempDir Path dir) throws IOException {
        VocabularyData vocab = new VocabularyData("llama", "default", List.of("<unk>", "<s>", "</s>", "▁a", "b"),
                new float[] {0, 0, 0, -1.5f, -2.25f}, new int[] {2, 3, 3, 1, 1}, List.of(), 1, 2, 0, -1,
                true, false, true);
        Path file = dir.resolve("vocab.gguf");
        new GgufWriter().putAll(GgufTokenizerMetadata.of(vocab)).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.hasVocabulary()).isTrue();
            VocabularyData back = gguf.vocabulary();
            assertThat(back).usingRecursiveComparison().isEqualTo(vocab);
            assertThat(gguf.has("tokenizer.ggml.padding_token_id")).isFalse();
            assertThat(gguf.metadata().get("tokenizer.ggml.bos_token_id").type()).isEqualTo(GgufValueType.UINT32);
        }
        VocabularyData bpe = new VocabularyData("gpt2", "smollm", List.of("a", "b", "ab"), new float[0], new int[0],
                List.of("a b"), -1, 0, -1, -1, false, false, false);
        Path file2 = dir.resolve("bpe.gguf");
        new GgufWriter().putAll(GgufTokenizerMetadata.of(bpe)).write(file2);
        try (GgufFile gguf = GgufFile.open(file2)) {
            assertThat(gguf.vocabulary()).usingRecursiveComparison().isEqualTo(bpe);
        }
    }

    @Test
    void aFailingRowSourceLeavesNothingBehind(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("model.gguf");
        Files.writeString(target, "previous contents");
        GgufWriter writer = new GgufWriter().add(GgufTensorSpec.fromFloatRows("w", DType.F32, (r, dst) -> {
            if (r == 1) throw new IllegalStateException("source failed");
        }, 32, 4));
        assertThatThrownBy(() -> writer.write(target)).hasMessage("source failed");
        assertThat(Files.readString(target)).isEqualTo("previous contents");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void invalidInputIsRejectedBeforeWriting() {
        GgufWriter writer = new GgufWriter().put("k", GgufValue.bool(true));
        assertThatThrownBy(() -> writer.put("k", GgufValue.bool(false))).hasMessageContaining("twice");
        assertThatThrownBy(() -> writer.put("general.alignment", GgufValue.uint32(64))).hasMessageContaining("32");
        GgufTensorSpec.FloatRows zeros = (r, dst) -> { };
        writer.add(GgufTensorSpec.fromFloatRows("t", DType.F32, zeros, 4));
        assertThatThrownBy(() -> writer.add(GgufTensorSpec.fromFloatRows("t", DType.F32, zeros, 4)))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> GgufTensorSpec.fromFloatRows("q", DType.Q8_0, zeros, 33, 2))
                .hasMessageContaining("block size 32");
        assertThatThrownBy(() -> GgufTensorSpec.fromFloatRows("q", DType.Q4_K, zeros, 256))
                .hasMessageContaining("encoded rows");
        assertThatThrownBy(() -> GgufTensorSpec.fromFloatRows("x".repeat(64), DType.F32, zeros, 4))
                .hasMessageContaining("63");
        assertThatThrownBy(() -> GgufTensorSpec.fromFloatRows("five", DType.F32, zeros, 1, 1, 1, 1, 1))
                .hasMessageContaining("1 to 4");
        assertThatThrownBy(() -> GgufValue.integer(GgufValueType.UINT8, 256)).hasMessageContaining("UINT8");
        assertThatThrownBy(() -> new GgufValue(GgufValueType.FLOAT32, 0.1)).hasMessageContaining("FLOAT32");
    }

    private static float[] expectedRow(GgufTensorSpec.FloatRows source, int row, int cols) {
        float[] values = new float[cols];
        source.row(row, values);
        return values;
    }

    /** The floats a reader should get back for values stored as {@code type}. */
    private static float[] storedAs(DType type, float[] values) {
        float[] out = new float[values.length];
        switch (type) {
            case F16 -> {
                for (int i = 0; i < values.length; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(values[i]));
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) out[i] = RowDecoders.bf16ToFloat(RowDecoders.floatToBf16(values[i]));
            }
            default -> {
                MemorySegment blocks = MemorySegment.ofArray(new byte[(int) type.bytesFor(values.length)]);
                switch (type) {
                    case Q8_0 -> GgmlQuantizers.quantizeQ8_0(values, 0, values.length, blocks, 0);
                    case Q4_0 -> GgmlQuantizers.quantizeQ4_0(values, 0, values.length, blocks, 0);
                    case Q4_1 -> GgmlQuantizers.quantizeQ4_1(values, 0, values.length, blocks, 0);
                    default -> throw new IllegalArgumentException(type.toString());
                }
                RowDecoders.decode(type, blocks, 0, out, 0, values.length);
            }
        }
        return out;
    }
}
