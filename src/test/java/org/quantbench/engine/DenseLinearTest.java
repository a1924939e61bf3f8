package org.quantbench.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DenseLinearTest {

    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType type : new DType[] {DType.F32, DType.BF16, DType.F16}) {
            for (int cols : new int[] {1, 7, 64, 172, 576, 768, 769, 1024, 1030, 4099}) {
                for (int rows : new int[] {1, 13, 35}) {
                    b.add(Arguments.of(type, rows, cols));
                }
            }
        }
        return b.build();
    }

    static WeightTensor randomTensor(DType type, int rows, int cols, long seed) {
        Random r = new Random(seed);
        long n = (long) rows * cols;
        MemorySegment seg = Arena.ofAuto().allocate(type.bytesFor(n), 8);
        for (long i = 0; i < n; i++) {
            float v = (float) r.nextGaussian();
            switch (type) {
                case F32 -> seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
                case BF16 -> seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, RowDecoders.floatToBf16(v));
                case F16 -> seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16(v));
                default -> throw new IllegalArgumentException();
            }
        }
        return new WeightTensor("w", type, rows, cols, seg);
    }

    /** Against dequantize-then-matmul in double; and every token count gives bit-identical outputs. */
    @ParameterizedTest
    @MethodSource("shapes")
    void matchesTheScalarReferenceAndIsIndependentOfBlockAndThreads(DType type, int rows, int cols) {
        WeightTensor w = randomTensor(type, rows, cols, rows * 31L + cols);
        float[] dense = w.toFloatArray();
        int tokens = 9;
        Random r = new Random(7);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        DenseLinear lin = new DenseLinear(w);
        float[] batched = new float[tokens * rows];
        try (ComputePool two = new ComputePool(2); ComputePool one = new ComputePool(1)) {
            lin.forward(x, batched, tokens, two);
            for (int t = 0; t < tokens; t++) {
                float[] single = new float[rows];
                lin.forward(java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols), single, 1, one);
                for (int o = 0; o < rows; o++) {
                    double ref = 0;
                    double mag = 0;
                    for (int i = 0; i < cols; i++) {
                        ref += (double) dense[o * cols + i] * x[t * cols + i];
                        mag += Math.abs((double) dense[o * cols + i] * x[t * cols + i]);
                    }
                    assertThat(Math.abs(batched[t * rows + o] - ref)).isLessThanOrEqualTo(1e-5 * mag + 1e-30);
                    assertThat(single[o]).isEqualTo(batched[t * rows + o]);
                }
            }
        }
    }
}
