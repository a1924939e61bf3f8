package org.quantbench.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("t.safetensors"), bytes);
    }

    @Test
    void readsDtypesShapesMetadataAndValues() throws IOException {
        float[] matrix = {1.5f, -2.25f, 3f, 0.1f, -0.3f, 65504f};
        float[] norm = {1f, 0.5f, -0.125f};
        Path file = write(new SafetensorsBytes()
                .metadata(Map.of("format", "pt"))
                .floats("w", "F32", new long[] {2, 3}, matrix)
                .floats("h", "F16", new long[] {3, 2}, matrix)
                .floats("b", "BF16", new long[] {3}, norm)
                .floats("s", "F32", new long[] {}, new float[] {7f})
                .build());
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(st.tensorInfos()).extracting(SafetensorsTensorInfo::name).containsExactly("w", "h", "b", "s");
            SafetensorsTensorInfo h = st.info("h").orElseThrow();
            assertThat(h.dtype()).isEqualTo(SafetensorsDType.F16);
            assertThat(h.shape()).containsExactly(3L, 2L);
            assertThat(h.dataBegin()).isEqualTo(24);
            assertThat(h.dataEnd()).isEqualTo(36);

            WeightTensor w = st.tensor("w");
            assertThat(w.dtype()).isEqualTo(DType.F32);
            assertThat(w.rows()).isEqualTo(2);
            assertThat(w.cols()).isEqualTo(3);
            assertThat(w.toFloatArray()).containsExactly(matrix);

            WeightTensor half = st.tensor("h", "blk.0.x");
            assertThat(half.name()).isEqualTo("blk.0.x");
            assertThat(half.rows()).isEqualTo(3);
            float[] halfValues = half.toFloatArray();
            for (int i = 0; i < matrix.length; i++) {
                assertThat(halfValues[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(matrix[i])));
            }

            WeightTensor b = st.tensor("b");
            assertThat(b.rows()).isEqualTo(1);
            assertThat(b.cols()).isEqualTo(3);
            assertThat(b.toFloatArray()).containsExactly(norm);

            WeightTensor s = st.tensor("s");
            assertThat(s.rows()).isEqualTo(1);
            assertThat(s.cols()).isEqualTo(1);
            assertThat(s.toFloatArray()).containsExactly(7f);
        }
    }

    @Test
    void otherDtypesParseButAreNotWeights() throws IOException {
        byte[] int8 = {1, -2, 3, -4};
        Path file = write(new SafetensorsBytes()
                .raw("model.layers.0.mlp.up_proj.qweight", "I8", new long[] {2, 2}, int8)
                .raw("fp8", "F8_E4M3", new long[] {4}, new byte[] {0x38, 0, 0, 0})
                .raw("packed", "F4", new long[] {4}, new byte[] {0x12, 0x34})
                .raw("cube", "F32", new long[] {1, 1, 1}, new byte[4])
                .build());
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.info("fp8").orElseThrow().dtype()).isEqualTo(SafetensorsDType.F8_E4M3);
            assertThat(st.bytes("model.layers.0.mlp.up_proj.qweight").toArray(ValueLayout.JAVA_BYTE)).containsExactly(int8);
            assertThatThrownBy(() -> st.tensor("model.layers.0.mlp.up_proj.qweight"))
                    .isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("model.layers.0.mlp.up_proj.qweight")
                    .hasMessageContaining("I8");
            assertThatThrownBy(() -> st.tensor("fp8")).hasMessageContaining("F8_E4M3");
            assertThatThrownBy(() -> st.tensor("cube")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("at most two dimensions");
            assertThatThrownBy(() -> st.tensor("absent")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("absent");
        }
    }

    @Test
    void acceptsPaddingHolesAndUnknownEntryKeys() throws IOException {
        byte[] data = new byte[12];
        java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(8, 2.5f);
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12],\"note\":{\"a\":[1,2]}},"
                + "\"e\":{\"dtype\":\"BF16\",\"shape\":[0,5],\"data_offsets\":[0,0]}}      ";
        try (SafetensorsFile st = SafetensorsFile.open(write(SafetensorsBytes.file(header, data)))) {
            assertThat(st.tensor("x").toFloatArray()).containsExactly(2.5f);
            assertThat(st.tensor("e").rows()).isZero();
            assertThat(st.metadata()).isEmpty();
            assertThat(st.tensorInfos()).extracting(SafetensorsTensorInfo::name).containsExactly("e", "x");
        }
    }

    @Test
    void bf16RoundingMatchesTheSharedConversion() throws IOException {
        float[] values = {1.00390625f, 1.01171875f, -3.3e-5f, Float.MIN_NORMAL};
        try (SafetensorsFile st = SafetensorsFile.open(write(new SafetensorsBytes()
                .floats("v", "BF16", new long[] {4}, values).build()))) {
            float[] read = st.tensor("v").toFloatArray();
            for (int i = 0; i < values.length; i++) {
                assertThat(read[i]).isEqualTo(RowDecoders.bf16ToFloat(RowDecoders.floatToBf16(values[i])));
            }
            assertThat(read[0]).isEqualTo(1.0f); // a tie rounds to even
            assertThat(read[1]).isEqualTo(1.015625f);
        }
    }

    @Test
    void closingUnmapsTheTensors() throws IOException {
        SafetensorsFile st = SafetensorsFile.open(write(new SafetensorsBytes()
                .floats("v", "F32", new long[] {2}, new float[] {1, 2}).build()));
        WeightTensor v = st.tensor("v");
        st.close();
        assertThatThrownBy(v::toFloatArray).isInstanceOf(IllegalStateException.class);
    }
}
