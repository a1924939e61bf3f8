package org.quantbench.quant.ggml;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.quantbench.engine.DenseLinear;
import org.quantbench.engine.Linear;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The llama.cpp-arithmetic linears against a scalar reference written the way ggml defines the block dot product:
 * integer sums of weight codes times activation codes, times the two fp16 scales, plus Q4_1's minimum times the
 * activation block's fp16 sum.
 */
class LlamaCppBlockLinearTest {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType type : new DType[] {DType.Q8_0, DType.Q4_0, DType.Q4_1}) {
            for (int cols : new int[] {32, 96, 4096 + 32}) {
                for (int rows : new int[] {1, 7, 13}) {
                    b.add(Arguments.of(type, rows, cols));
                }
            }
        }
        return b.build();
    }

    /** ggml's block dot product, from the raw bytes, in double (exact integer sums, exact scale products). */
    static double[] reference(GgmlBlockLinear w, float[] x, int tokens) {
        DType type = w.type();
        int rows = w.outFeatures();
        int cols = w.inFeatures();
        int blocks = cols / 32;
        MemorySegment data = w.toTensor("w").data();
        long rowBytes = type.bytesFor(cols);
        double[] out = new double[tokens * rows];
        byte[] qx = new byte[cols];
        float[] dx = new float[blocks];
        float[] sx = new float[blocks];
        for (int t = 0; t < tokens; t++) {
            Q8Activations.quantize(x, t * cols, cols, qx, 0, dx, sx, 0);
            for (int r = 0; r < rows; r++) {
                double acc = 0;
                for (int b = 0; b < blocks; b++) {
                    long at = r * rowBytes + b * (long) type.bytesFor(32);
                    double dw = Float.float16ToFloat(data.get(F16, at));
                    long isum = 0;
                    for (int i = 0; i < 32; i++) {
                        int code = switch (type) {
                            case Q8_0 -> data.get(ValueLayout.JAVA_BYTE, at + 2 + i);
                            case Q4_0 -> nibble(data, at + 2, i) - 8;
                            default -> nibble(data, at + 4, i);
                        };
                        isum += (long) code * qx[32 * b + i];
                    }
                    acc += dw * dx[b] * isum;
                    if (type == DType.Q4_1) {
                        acc += (double) Float.float16ToFloat(data.get(F16, at + 2)) * sx[b];
                    }
                }
                out[t * rows + r] = acc;
            }
        }
        return out;
    }

    /** Weight i of a 4-bit block: low nibbles hold 0..15, high nibbles 16..31. */
    private static int nibble(MemorySegment data, long at, int i) {
        int packed = data.get(ValueLayout.JAVA_BYTE, at + (i % 16)) & 0xFF;
        return i < 16 ? packed & 0xF : packed >>> 4;
    }

    /** Scale of the float rounding the kernels may differ in: the sum of |w * x| of each output. */
    private static double[] magnitude(GgmlBlockLinear w, float[] x, int tokens) {
        float[] deq = GgmlBlockLinearTest.dequantized(w);
        int rows = w.outFeatures();
        int cols = w.inFeatures();
        double[] m = new double[tokens * rows];
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) {
                    m[t * rows + r] += Math.abs((double) deq[r * cols + i] * x[t * cols + i]);
                }
            }
        }
        return m;
    }

    /** GEMV (1 token) and GEMM (13 tokens) equal the reference to float rounding; each GEMM token equals its GEMV bit for bit. */
    @ParameterizedTest
    @MethodSource("shapes")
    void matchesTheIntegerReferenceAndDoesNotDependOnTheBlockSize(DType type, int rows, int cols) {
        GgmlBlockLinear w = GgmlBlockLinear.quantize(GgmlBlockLinearTest.gaussian("w", rows, cols, 7 + rows + cols), type);
        LlamaCppBlockLinear lin = new LlamaCppBlockLinear(w);
        int tokens = 13;
        float[] x = GgmlBlockLinearTest.activations(tokens, cols, 31);
        try (ComputePool pool = new ComputePool(2)) {
            float[] gemm = new float[tokens * rows];
            lin.forward(x, gemm, tokens, pool);
            double[] ref = reference(w, x, tokens);
            double[] mag = magnitude(w, x, tokens);
            for (int i = 0; i < gemm.length; i++) {
                assertThat(Math.abs(gemm[i] - ref[i])).as("%s %dx%d output %d", type, rows, cols, i).isLessThanOrEqualTo(1e-5 * mag[i] + 1e-30);
            }
            for (int t = 0; t < tokens; t++) {
                float[] one = new float[rows];
                lin.forward(Arrays.copyOfRange(x, t * cols, (t + 1) * cols), one, 1, pool);
                assertThat(one).as("token %d alone", t).containsExactly(Arrays.copyOfRange(gemm, t * rows, (t + 1) * rows));
            }
        }
    }

    /** The activation quantization is what the exact path lacks: the outputs differ from it, by about a code step. */
    @Test
    void differsFromTheExactPathByTheActivationRounding() {
        GgmlBlockLinear w = GgmlBlockLinear.quantize(GgmlBlockLinearTest.gaussian("w", 16, 256, 3), DType.Q4_1);
        float[] x = GgmlBlockLinearTest.activations(1, 256, 5);
        float[] exact = new float[16];
        float[] llama = new float[16];
        try (ComputePool pool = new ComputePool(1)) {
            w.forward(x, exact, 1, pool);
            new LlamaCppBlockLinear(w).forward(x, llama, 1, pool);
        }
        assertThat(llama).isNotEqualTo(exact);
        double[] mag = magnitude(w, x, 1);
        for (int r = 0; r < 16; r++) {
            assertThat((double) Math.abs(llama[r] - exact[r])).isLessThan(0.02 * mag[r]);
        }
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalOutputs() {
        GgmlBlockLinear w = GgmlBlockLinear.quantize(GgmlBlockLinearTest.gaussian("w", 37, 544, 9), DType.Q4_1);
        LlamaCppBlockLinear lin = new LlamaCppBlockLinear(w);
        float[] x = GgmlBlockLinearTest.activations(5, 544, 11);
        float[] a = new float[5 * 37];
        float[] b = new float[5 * 37];
        try (ComputePool one = new ComputePool(1); ComputePool two = new ComputePool(2)) {
            lin.forward(x, a, 5, one);
            lin.forward(x, b, 5, two);
        }
        assertThat(a).containsExactly(b);
        assertThat(lin.residentBytes()).isEqualTo(w.residentBytes());
        assertThat(lin.format()).isEqualTo("Q4_1");
    }

    /** The factory: block types get int8 activations, F16 weights fp16-rounded activations, F32 weights stay as they are. */
    @Test
    void factoryGivesEachStoredTypeLlamaCppArithmetic() {
        WeightTensor f32 = GgmlBlockLinearTest.gaussian("w", 3, 64, 1);
        LlamaCppLinearFactory factory = new LlamaCppLinearFactory(new GgmlLinearFactory());
        assertThat(factory.create("w", f32)).isInstanceOf(DenseLinear.class);
        WeightTensor q8 = GgmlBlockLinear.quantize(f32, DType.Q8_0).toTensor("w");
        assertThat(factory.create("w", q8)).isInstanceOf(LlamaCppBlockLinear.class);
        assertThat(new LlamaCppLinearFactory((n, t) -> new DenseLinear(t)).create("w", q8)).isInstanceOf(LlamaCppBlockLinear.class);

        MemorySegment half = MemorySegment.ofArray(new short[3 * 64]);
        float[] row = new float[64];
        for (int r = 0; r < 3; r++) {
            f32.readRow(r, row, 0);
            for (int i = 0; i < 64; i++) {
                half.setAtIndex(F16, r * 64L + i, Float.floatToFloat16(row[i]));
            }
        }
        WeightTensor f16 = new WeightTensor("h", DType.F16, 3, 64, half);
        Linear lin = factory.create("h", f16);
        float[] x = GgmlBlockLinearTest.activations(2, 64, 4);
        float[] rounded = x.clone();
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = Q8Activations.fp16(rounded[i]);
        }
        float[] got = new float[6];
        float[] expected = new float[6];
        try (ComputePool pool = new ComputePool(1)) {
            lin.forward(x, got, 2, pool);
            new DenseLinear(f16).forward(rounded, expected, 2, pool);
        }
        assertThat(got).containsExactly(expected);
    }
}
