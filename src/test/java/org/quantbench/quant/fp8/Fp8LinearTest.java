package org.quantbench.quant.fp8;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantbench.quant.LinearContractAssertions;
import org.quantbench.quant.fp8.Fp8Linear.Activations;
import org.quantbench.quant.fp8.Fp8Linear.Granularity;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quantbench.quant.LinearContractAssertions.GEMM_TOKENS;

class Fp8LinearTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Activations a : Activations.values()) {
            for (Granularity g : Granularity.values()) {
                for (int cols : new int[] {1, 7, 64, 172, 4099}) {
                    for (int rows : new int[] {1, 13, 35}) {
                        b.add(Arguments.of(a, g, rows, cols));
                    }
                }
            }
        }
        return b.build();
    }

    /** What the layer's activations stand for: x itself, or s_x * decode(cast(x / s_x)) per token. */
    private static double[] effectiveActivations(Fp8Linear lin, float[] x, int tokens) {
        int cols = lin.inFeatures();
        if (lin.activations() == Activations.FLOAT) {
            return LinearContractAssertions.widen(x);
        }
        float[] decoded = new float[x.length];
        float[] scales = new float[tokens];
        Fp8Linear.castActivations(x, tokens, cols, decoded, scales);
        double[] eff = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            eff[i] = (double) decoded[i] * scales[i / cols];
        }
        return eff;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void kernelsFollowTheContract(Activations a, Granularity g, int rows, int cols) {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", rows, cols, 31L * rows + cols);
        Fp8Linear lin = Fp8Linear.quantize(w, a, g);
        float[] x = LinearContractAssertions.activations(GEMM_TOKENS, cols, cols);
        LinearContractAssertions.assertKernelContract(lin, x, effectiveActivations(lin, x, GEMM_TOKENS));
    }

    @Test
    void weightsRoundTripWithinHalfAStepOfE4M3() {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", 9, 300, 5);
        float[] orig = w.toFloatArray();
        for (Granularity g : Granularity.values()) {
            Fp8Linear lin = Fp8Linear.quantize(w, Activations.FLOAT, g);
            float[] row = new float[300];
            for (int r = 0; r < 9; r++) {
                lin.dequantizeRow(r, row, 0);
                float s = lin.weightScale(r);
                float amax = 0;
                for (int i = 0; i < 300; i++) {
                    amax = Math.max(amax, Math.abs(orig[r * 300 + i]));
                }
                if (g == Granularity.PER_CHANNEL) {
                    assertThat(s).isEqualTo(amax / 448f);
                }
                for (int i = 0; i < 300; i++) {
                    double v = orig[r * 300 + i];
                    // 3 mantissa bits: relative error <= 2^-4 for normals, absolute <= 2^-10 * s for subnormals
                    double bound = Math.max(Math.abs(v) * 0x1p-4, s * 0x1p-10) * (1 + 1e-6);
                    assertThat(Math.abs(row[i] - v)).as("row %d col %d", r, i).isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    @Test
    void theLargestWeightOfAChannelMapsToFullScale() {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", 5, 77, 9);
        float[] orig = w.toFloatArray();
        Fp8Linear lin = Fp8Linear.quantize(w, Activations.FLOAT, Granularity.PER_CHANNEL);
        Map<String, MemorySegment> buf = lin.buffers();
        for (int r = 0; r < 5; r++) {
            int arg = 0;
            for (int i = 1; i < 77; i++) {
                if (Math.abs(orig[r * 77 + i]) > Math.abs(orig[r * 77 + arg])) {
                    arg = i;
                }
            }
            int code = buf.get(Fp8Linear.QWEIGHT).get(ValueLayout.JAVA_BYTE, r * 77L + arg) & 0x7F;
            assertThat(code).isEqualTo(Fp8E4M3.MAX_CODE);
        }
    }

    @Test
    void activationCastUsesAPerTokenScale() {
        int cols = 40;
        float[] x = LinearContractAssertions.activations(3, cols, 4);
        java.util.Arrays.fill(x, cols, 2 * cols, 0f); // token 1 all zero
        float[] decoded = new float[x.length];
        float[] scales = new float[3];
        Fp8Linear.castActivations(x, 3, cols, decoded, scales);
        assertThat(scales[1]).isZero();
        for (int t : new int[] {0, 2}) {
            float amax = 0;
            for (int i = 0; i < cols; i++) {
                amax = Math.max(amax, Math.abs(x[t * cols + i]));
            }
            assertThat(scales[t]).isEqualTo(amax / 448f);
            for (int i = 0; i < cols; i++) {
                float v = x[t * cols + i];
                assertThat(decoded[t * cols + i]).isEqualTo(Fp8E4M3.decode(Fp8E4M3.encode(v / scales[t])));
                if (Math.abs(v) == amax) {
                    assertThat(Math.abs(decoded[t * cols + i])).isEqualTo(448f);
                }
            }
        }
        for (int i = cols; i < 2 * cols; i++) {
            assertThat(decoded[i]).isZero();
        }
    }

    @Test
    void dynamicActivationsStayCloseToTheFloatResult() {
        int rows = 20;
        int cols = 256;
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", rows, cols, 3);
        Fp8Linear weightOnly = Fp8Linear.quantize(w, Activations.FLOAT, Granularity.PER_CHANNEL);
        Fp8Linear dynamic = Fp8Linear.quantize(w, Activations.DYNAMIC, Granularity.PER_CHANNEL);
        float[] x = LinearContractAssertions.activations(4, cols, 8);
        float[] y0 = new float[4 * rows];
        float[] y1 = new float[4 * rows];
        try (ComputePool pool = new ComputePool(1)) {
            weightOnly.forward(x, y0, 4, pool);
            dynamic.forward(x, y1, 4, pool);
        }
        double err = 0;
        double norm = 0;
        for (int i = 0; i < y0.length; i++) {
            err += (y1[i] - y0[i]) * (double) (y1[i] - y0[i]);
            norm += y0[i] * (double) y0[i];
            assertThat(y1[i]).isNotEqualTo(y0[i]);
        }
        assertThat(Math.sqrt(err / norm)).isBetween(1e-4, 0.05);
    }

    @Test
    void sizesAndNames() {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", 12, 96, 1);
        Fp8Linear pc = Fp8Linear.quantize(w, Activations.FLOAT, Granularity.PER_CHANNEL);
        Fp8Linear pt = Fp8Linear.quantize(w, Activations.DYNAMIC, Granularity.PER_TENSOR);
        assertThat(pc.bitsPerWeight()).isEqualTo(8 + 32.0 / 96);
        assertThat(pt.bitsPerWeight()).isEqualTo(8 + 32.0 / (12 * 96));
        assertThat(pc.residentBytes()).isEqualTo(12 * 96 + 4 * 12);
        assertThat(pt.residentBytes()).isEqualTo(12 * 96 + 4);
        assertThat(pc.residentBytes()).isEqualTo(pc.buffers().values().stream().mapToLong(MemorySegment::byteSize).sum());
        assertThat(pc.format()).isEqualTo("FP8-weight");
        assertThat(pt.format()).isEqualTo("FP8-dynamic-tensor");
        assertThat(Fp8Linear.quantize(w, Activations.DYNAMIC, Granularity.PER_CHANNEL).format()).isEqualTo("FP8-dynamic");
        assertThat(Fp8Linear.quantize(w, Activations.FLOAT, Granularity.PER_TENSOR).format()).isEqualTo("FP8-weight-tensor");
        assertThat(pc.inFeatures()).isEqualTo(96);
        assertThat(pc.outFeatures()).isEqualTo(12);
    }

    @Test
    void restoreFromBuffersGivesIdenticalOutputs() {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", 19, 130, 2);
        float[] x = LinearContractAssertions.activations(5, 130, 6);
        for (Activations a : Activations.values()) {
            for (Granularity g : Granularity.values()) {
                Fp8Linear lin = Fp8Linear.quantize(w, a, g);
                Fp8Linear back = Fp8Linear.restore(19, 130, a, g, copies(lin.buffers()));
                LinearContractAssertions.assertSameOutputs(lin, back, x);
                assertThat(back.bitsPerWeight()).isEqualTo(lin.bitsPerWeight());
            }
        }
    }

    private static Map<String, MemorySegment> copies(Map<String, MemorySegment> buffers) {
        Map<String, MemorySegment> out = new HashMap<>();
        buffers.forEach((k, v) -> out.put(k, Arena.ofAuto().allocate(v.byteSize()).copyFrom(v)));
        return out;
    }

    @Test
    void restoreRefusesBadBuffers() {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", 4, 16, 2);
        Fp8Linear lin = Fp8Linear.quantize(w, Activations.FLOAT, Granularity.PER_CHANNEL);
        Map<String, MemorySegment> ok = copies(lin.buffers());

        Map<String, MemorySegment> missing = new HashMap<>(ok);
        missing.remove(Fp8Linear.SCALES);
        assertThatThrownBy(() -> Fp8Linear.restore(4, 16, Activations.FLOAT, Granularity.PER_CHANNEL, missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scales");
        assertThatThrownBy(() -> Fp8Linear.restore(4, 17, Activations.FLOAT, Granularity.PER_CHANNEL, ok))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qweight");
        assertThatThrownBy(() -> Fp8Linear.restore(4, 16, Activations.FLOAT, Granularity.PER_TENSOR, ok))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scales");

        Map<String, MemorySegment> nanCode = copies(ok);
        nanCode.get(Fp8Linear.QWEIGHT).set(ValueLayout.JAVA_BYTE, 37, (byte) 0xFF);
        assertThatThrownBy(() -> Fp8Linear.restore(4, 16, Activations.FLOAT, Granularity.PER_CHANNEL, nanCode))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN code at byte 37");

        for (float bad : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            Map<String, MemorySegment> badScale = copies(ok);
            badScale.get(Fp8Linear.SCALES).set(F32, 8, bad);
            assertThatThrownBy(() -> Fp8Linear.restore(4, 16, Activations.FLOAT, Granularity.PER_CHANNEL, badScale))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale 2");
        }
    }

    @Test
    void refusesNonFiniteWeightsNamingTheTensor() {
        MemorySegment seg = Arena.ofAuto().allocate(4 * 6);
        seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 4, Float.NaN);
        WeightTensor w = new WeightTensor("blk.0.ffn_up.weight", DType.F32, 2, 3, seg);
        for (Granularity g : Granularity.values()) {
            assertThatThrownBy(() -> Fp8Linear.quantize(w, Activations.FLOAT, g))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blk.0.ffn_up.weight").hasMessageContaining("row 1, column 1");
        }
    }

    @Test
    void zeroRowsGiveZeroCodesAndOutputs() {
        MemorySegment seg = Arena.ofAuto().allocate(4 * 2 * 20);
        for (int i = 20; i < 40; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, i * 0.01f);
        }
        WeightTensor w = new WeightTensor("w", DType.F32, 2, 20, seg);
        Fp8Linear lin = Fp8Linear.quantize(w, Activations.DYNAMIC, Granularity.PER_CHANNEL);
        assertThat(lin.weightScale(0)).isZero();
        float[] y = new float[2];
        try (ComputePool pool = new ComputePool(1)) {
            lin.forward(LinearContractAssertions.activations(1, 20, 1), y, 1, pool);
            assertThat(y[0]).isZero();
            assertThat(y[1]).isNotZero();
            lin.forward(new float[20], y, 1, pool); // a zero token: s_x = 0
            assertThat(y).containsExactly(0f, 0f);
        }
    }

    @Test
    void quantizesStoredBf16RowsLikeTheirFloatValues() {
        int rows = 3;
        int cols = 50;
        WeightTensor f32 = LinearContractAssertions.gaussianTensor("w", rows, cols, 12);
        float[] v = f32.toFloatArray();
        MemorySegment seg = Arena.ofAuto().allocate(2L * rows * cols);
        float[] rounded = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            short b = RowDecoders.floatToBf16(v[i]);
            seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, b);
            rounded[i] = RowDecoders.bf16ToFloat(b);
        }
        MemorySegment f = Arena.ofAuto().allocate(4L * rows * cols);
        MemorySegment.copy(rounded, 0, f, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, rounded.length);
        Fp8Linear fromBf16 = Fp8Linear.quantize(new WeightTensor("w", DType.BF16, rows, cols, seg), Activations.FLOAT, Granularity.PER_CHANNEL);
        Fp8Linear fromF32 = Fp8Linear.quantize(new WeightTensor("w", DType.F32, rows, cols, f), Activations.FLOAT, Granularity.PER_CHANNEL);
        assertThat(fromBf16.buffers().get(Fp8Linear.QWEIGHT).mismatch(fromF32.buffers().get(Fp8Linear.QWEIGHT))).isEqualTo(-1L);
    }
}
