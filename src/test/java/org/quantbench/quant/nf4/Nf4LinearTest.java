package org.quantbench.quant.nf4;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantbench.quant.LinearContractAssertions;
import org.quantbench.tensor.DType;
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
import static org.assertj.core.api.Assertions.within;
import static org.quantbench.quant.LinearContractAssertions.GEMM_TOKENS;

class Nf4LinearTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (boolean dq : new boolean[] {false, true}) {
            for (int cols : new int[] {1, 7, 53, 64, 96, 172, 1010, 4099, 4096 + 32}) { // 53, 1010: odd vector counts at 16 lanes, 172 at 8
                for (int rows : new int[] {1, 13, 35}) {
                    b.add(Arguments.of(rows, cols, Nf4Linear.DEFAULT_BLOCK_SIZE, dq));
                }
            }
            for (int cols : new int[] {172, 4099}) {
                b.add(Arguments.of(13, cols, 4096, dq)); // blocks as long as (or longer than) a row
                b.add(Arguments.of(13, cols, 32, dq));
                b.add(Arguments.of(13, cols, 992, dq)); // a block that does not divide the 512-column K-blocks
            }
        }
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void kernelsFollowTheContract(int rows, int cols, int blockSize, boolean doubleQuant) {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", rows, cols, 17L * rows + cols);
        Nf4Linear lin = Nf4Linear.quantize(w, blockSize, doubleQuant);
        float[] x = LinearContractAssertions.activations(GEMM_TOKENS, cols, cols + 1);
        LinearContractAssertions.assertKernelContract(lin, x, LinearContractAssertions.widen(x));
    }

    private static WeightTensor tensor(int rows, int cols, float[] values) {
        MemorySegment seg = Arena.ofAuto().allocate(4L * rows * cols);
        MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
        return new WeightTensor("t", DType.F32, rows, cols, seg);
    }

    @Test
    void firstElementInTheHighNibbleAndOddRowsPadded() {
        float a = 2.5f;
        float[] w = {-a, a, 0f, a * Nf4Code.value(12), a * Nf4Code.value(3), // row 0: codes 0, 15, 7, 12, 3
            a, -a, 0f, 0f, 0f};                                            // row 1: codes 15, 0, 7, 7, 7
        Nf4Linear lin = Nf4Linear.quantize(tensor(2, 5, w), 64, false);
        MemorySegment q = lin.buffers().get(Nf4Linear.QWEIGHT);
        assertThat(q.byteSize()).isEqualTo(6);
        assertThat(q.toArray(ValueLayout.JAVA_BYTE)).containsExactly((byte) 0x0F, (byte) 0x7C, (byte) 0x30,
                (byte) 0xF0, (byte) 0x77, (byte) 0x70);
        float[] row = new float[5];
        lin.dequantizeRow(0, row, 0);
        assertThat(row).containsExactly(-a, a, 0f, Nf4Code.value(12) * a, Nf4Code.value(3) * a);
    }

    @Test
    void blocksRunAlongEachRowWithAShortLastBlock() {
        int rows = 3;
        int cols = 100;
        WeightTensor t = LinearContractAssertions.gaussianTensor("w", rows, cols, 4);
        float[] w = t.toFloatArray();
        Nf4Linear lin = Nf4Linear.quantize(t, 64, false);
        MemorySegment absmax = lin.buffers().get(Nf4Linear.ABSMAX);
        assertThat(absmax.byteSize()).isEqualTo(4L * rows * 2);
        float[] deq = new float[cols];
        for (int r = 0; r < rows; r++) {
            lin.dequantizeRow(r, deq, 0);
            for (int j = 0; j < 2; j++) {
                float a = 0;
                for (int i = 64 * j; i < Math.min(cols, 64 * j + 64); i++) {
                    a = Math.max(a, Math.abs(w[r * cols + i]));
                }
                assertThat(absmax.get(F32, 4L * (r * 2 + j))).isEqualTo(a);
                for (int i = 64 * j; i < Math.min(cols, 64 * j + 64); i++) {
                    int code = Nf4Code.nearest(w[r * cols + i] / a);
                    assertThat(deq[i]).isEqualTo(Nf4Code.value(code) * a);
                }
            }
        }
    }

    @Test
    void anAllZeroBlockStoresZeroAndTheZeroCode() {
        float[] w = new float[128];
        w[100] = 3f;
        Nf4Linear lin = Nf4Linear.quantize(tensor(1, 128, w), 64, false);
        assertThat(lin.buffers().get(Nf4Linear.ABSMAX).get(F32, 0)).isZero();
        assertThat(lin.buffers().get(Nf4Linear.QWEIGHT).get(ValueLayout.JAVA_BYTE, 5)).isEqualTo((byte) 0x77);
        float[] deq = new float[128];
        lin.dequantizeRow(0, deq, 0);
        assertThat(deq[100]).isEqualTo(3f);
        assertThat(deq[5]).isZero();
    }

    @Test
    void doubleQuantizationStoresAbsmaxInEightBitsAroundTheirMean() {
        int rows = 40;
        int cols = 1000; // 16 blocks per row, 640 absmax values: nested groups of 256, 256 and 128
        WeightTensor t = LinearContractAssertions.gaussianTensor("w", rows, cols, 8);
        Nf4Linear plain = Nf4Linear.quantize(t, 64, false);
        Nf4Linear dq = Nf4Linear.quantize(t, 64, true);
        Map<String, MemorySegment> pb = plain.buffers();
        Map<String, MemorySegment> db = dq.buffers();
        assertThat(db.get(Nf4Linear.QWEIGHT).mismatch(pb.get(Nf4Linear.QWEIGHT)))
                .as("codes use the exact absmax").isEqualTo(-1L);
        int blocks = rows * 16;
        assertThat(db.get(Nf4Linear.ABSMAX).byteSize()).isEqualTo(blocks);
        assertThat(db.get(Nf4Linear.NESTED_ABSMAX).byteSize()).isEqualTo(4L * 3);
        double sum = 0;
        for (int b = 0; b < blocks; b++) {
            sum += pb.get(Nf4Linear.ABSMAX).get(F32, 4L * b);
        }
        float c = db.get(Nf4Linear.NESTED_OFFSET).get(F32, 0);
        assertThat(c).isEqualTo((float) (sum / blocks));
        for (int g = 0; g < 3; g++) {
            float m = 0;
            for (int b = 256 * g; b < Math.min(blocks, 256 * g + 256); b++) {
                m = Math.max(m, Math.abs(pb.get(Nf4Linear.ABSMAX).get(F32, 4L * b) - c));
            }
            float absmax2 = db.get(Nf4Linear.NESTED_ABSMAX).get(F32, 4L * g);
            assertThat(absmax2).isEqualTo(m);
            for (int b = 256 * g; b < Math.min(blocks, 256 * g + 256); b++) {
                float a = pb.get(Nf4Linear.ABSMAX).get(F32, 4L * b);
                int q = db.get(Nf4Linear.ABSMAX).get(ValueLayout.JAVA_BYTE, b) & 0xFF;
                assertThat(q).isEqualTo(SignedDynamicCode.nearest((a - c) / m));
                float restored = SignedDynamicCode.value(q) * absmax2 + c;
                assertThat(dq.absmax(b)).isEqualTo(restored);
                assertThat((double) Math.abs(restored - a)).isLessThanOrEqualTo(0.0071 * absmax2);
            }
        }
        float[] deq = new float[cols];
        dq.dequantizeRow(7, deq, 0);
        for (int i = 0; i < cols; i++) {
            int code = Nf4Code.nearest(t.toFloatArray()[7 * cols + i] / plain.absmax(7 * 16 + i / 64));
            assertThat(deq[i]).isEqualTo(Nf4Code.value(code) * dq.absmax(7 * 16 + i / 64));
        }
    }

    @Test
    void effectiveBitsPerWeight() {
        WeightTensor small = tensor(256, 256, new float[256 * 256]);
        Nf4Linear plain = Nf4Linear.quantize(small, 64, false);
        Nf4Linear dq = Nf4Linear.quantize(small, 64, true);
        assertThat(plain.bitsPerWeight()).isEqualTo(4.5);
        assertThat(dq.bitsPerWeight()).isEqualTo(4 + 8.0 / 64 + 32.0 / (64 * 256) + 32.0 / (256 * 256));
        WeightTensor big = new WeightTensor("big", DType.F32, 2048, 2048, Arena.ofAuto().allocate(4L * 2048 * 2048));
        assertThat(Nf4Linear.quantize(big, 64, false).bitsPerWeight()).isEqualTo(4.5);
        assertThat(Nf4Linear.quantize(big, 64, true).bitsPerWeight()).isCloseTo(4.127, within(5e-4));
        for (Nf4Linear lin : new Nf4Linear[] {plain, dq, Nf4Linear.quantize(tensor(3, 7, new float[21]), 32, true)}) {
            long sum = lin.buffers().values().stream().mapToLong(MemorySegment::byteSize).sum();
            assertThat(lin.residentBytes()).isEqualTo(sum);
            assertThat(lin.bitsPerWeight()).isEqualTo(8.0 * sum / ((double) lin.outFeatures() * lin.inFeatures()));
        }
        assertThat(plain.format()).isEqualTo("NF4");
        assertThat(dq.format()).isEqualTo("NF4-DQ");
    }

    @Test
    void restoreFromBuffersGivesIdenticalOutputs() {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", 21, 333, 3);
        float[] x = LinearContractAssertions.activations(4, 333, 5);
        for (boolean dq : new boolean[] {false, true}) {
            Nf4Linear lin = Nf4Linear.quantize(w, 64, dq);
            Nf4Linear back = Nf4Linear.restore(21, 333, 64, dq, copies(lin.buffers()));
            LinearContractAssertions.assertSameOutputs(lin, back, x);
            assertThat(back.bitsPerWeight()).isEqualTo(lin.bitsPerWeight());
            assertThat(back.format()).isEqualTo(lin.format());
        }
    }

    private static Map<String, MemorySegment> copies(Map<String, MemorySegment> buffers) {
        Map<String, MemorySegment> out = new HashMap<>();
        buffers.forEach((k, v) -> out.put(k, Arena.ofAuto().allocate(v.byteSize()).copyFrom(v)));
        return out;
    }

    @Test
    void restoreRefusesBadBuffers() {
        WeightTensor w = LinearContractAssertions.gaussianTensor("w", 4, 64, 2);
        Map<String, MemorySegment> plain = copies(Nf4Linear.quantize(w, 64, false).buffers());
        Map<String, MemorySegment> dq = copies(Nf4Linear.quantize(w, 64, true).buffers());
        assertThatThrownBy(() -> Nf4Linear.restore(4, 64, 64, true, plain))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested_absmax");
        assertThatThrownBy(() -> Nf4Linear.restore(4, 64, 64, false, dq))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffers must be exactly");
        assertThatThrownBy(() -> Nf4Linear.restore(4, 66, 64, false, plain))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qweight");
        assertThatThrownBy(() -> Nf4Linear.restore(4, 64, 32, false, plain))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absmax");
        Map<String, MemorySegment> negative = copies(plain);
        negative.get(Nf4Linear.ABSMAX).set(F32, 4, -1f);
        assertThatThrownBy(() -> Nf4Linear.restore(4, 64, 64, false, negative))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absmax[1]");
        Map<String, MemorySegment> nan = copies(dq);
        nan.get(Nf4Linear.NESTED_ABSMAX).set(F32, 0, Float.NaN);
        assertThatThrownBy(() -> Nf4Linear.restore(4, 64, 64, true, nan))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested_absmax[0]");
        Map<String, MemorySegment> inf = copies(dq);
        inf.get(Nf4Linear.NESTED_OFFSET).set(F32, 0, Float.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> Nf4Linear.restore(4, 64, 64, true, inf))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested_offset");
    }

    @Test
    void refusesNonFiniteWeightsAndBadBlockSizes() {
        float[] w = new float[20];
        w[13] = Float.POSITIVE_INFINITY;
        WeightTensor t = new WeightTensor("blk.3.attn_v.weight", DType.F32, 2, 10, tensor(2, 10, w).data());
        assertThatThrownBy(() -> Nf4Linear.quantize(t, 64, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blk.3.attn_v.weight").hasMessageContaining("row 1, column 3");
        WeightTensor ok = tensor(2, 10, new float[20]);
        for (int bad : new int[] {0, 16, 63, 48}) {
            assertThatThrownBy(() -> Nf4Linear.quantize(ok, bad, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size");
        }
    }
}
