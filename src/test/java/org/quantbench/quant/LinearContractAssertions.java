package org.quantbench.quant;

import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks of the quantized-format kernel contract shared by the formats' tests. */
public final class LinearContractAssertions {
    public static final int GEMM_TOKENS = 13;

    private LinearContractAssertions() {}

    /** An F32 tensor of Gaussian weights with a few outliers, so that scales are set by a handful of values. */
    public static WeightTensor gaussianTensor(String name, int rows, int cols, long seed) {
        Random r = new Random(seed);
        MemorySegment seg = Arena.ofAuto().allocate(4L * rows * cols, 8);
        for (long i = 0; i < (long) rows * cols; i++) {
            float v = (float) (r.nextGaussian() * 0.05);
            if (r.nextInt(97) == 0) {
                v *= 8;
            }
            seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
        }
        return new WeightTensor(name, org.quantbench.tensor.DType.F32, rows, cols, seg);
    }

    public static float[] activations(int tokens, int cols, long seed) {
        Random r = new Random(seed);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /**
     * The kernel contract for {@code x} of {@link #GEMM_TOKENS} tokens: the GEMM (2 threads) equals
     * {@code dequantizeRow . effectiveX} computed in double within 1e-5 of {@code sum |w x|}; each token alone (the
     * GEMV, 1 and 2 threads) and the GEMM on 1 thread equal the 2-thread GEMM bit for bit. {@code effectiveX} is what
     * the layer's activations stand for (x itself for float activations).
     */
    public static void assertKernelContract(QuantizedLinear lin, float[] x, double[] effectiveX) {
        int rows = lin.outFeatures();
        int cols = lin.inFeatures();
        int tokens = x.length / cols;
        float[] gemm = new float[tokens * rows];
        float[] gemmOne = new float[tokens * rows];
        try (ComputePool one = new ComputePool(1); ComputePool two = new ComputePool(2)) {
            lin.forward(x, gemm, tokens, two);
            lin.forward(x, gemmOne, tokens, one);
            assertThat(gemmOne).as("GEMM on 1 vs 2 threads").isEqualTo(gemm);
            float[] w = new float[cols];
            double[][] ref = new double[tokens][rows];
            double[][] mag = new double[tokens][rows];
            for (int o = 0; o < rows; o++) {
                lin.dequantizeRow(o, w, 0);
                for (int t = 0; t < tokens; t++) {
                    double s = 0;
                    double m = 0;
                    for (int i = 0; i < cols; i++) {
                        double p = w[i] * effectiveX[t * cols + i];
                        s += p;
                        m += Math.abs(p);
                    }
                    ref[t][o] = s;
                    mag[t][o] = m;
                }
            }
            for (int t = 0; t < tokens; t++) {
                float[] xt = Arrays.copyOfRange(x, t * cols, (t + 1) * cols);
                float[] single = new float[rows];
                float[] singleTwo = new float[rows];
                lin.forward(xt, single, 1, one);
                lin.forward(xt, singleTwo, 1, two);
                for (int o = 0; o < rows; o++) {
                    float y = gemm[t * rows + o];
                    assertThat(Math.abs(y - ref[t][o])).as("token %d row %d vs reference", t, o)
                            .isLessThanOrEqualTo(1e-5 * mag[t][o] + 1e-30);
                    assertThat(single[o]).as("GEMV == GEMM, token %d row %d", t, o).isEqualTo(y);
                    assertThat(singleTwo[o]).as("GEMV on 2 threads, token %d row %d", t, o).isEqualTo(y);
                }
            }
        }
    }

    public static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** Every output of {@code a} and {@code b} on the same input, bit for bit. */
    public static void assertSameOutputs(QuantizedLinear a, QuantizedLinear b, float[] x) {
        int tokens = x.length / a.inFeatures();
        float[] ya = new float[tokens * a.outFeatures()];
        float[] yb = new float[tokens * b.outFeatures()];
        try (ComputePool pool = new ComputePool(2)) {
            a.forward(x, ya, tokens, pool);
            b.forward(x, yb, tokens, pool);
            assertThat(yb).isEqualTo(ya);
            float[] x1 = Arrays.copyOf(x, a.inFeatures());
            float[] y1a = new float[a.outFeatures()];
            float[] y1b = new float[b.outFeatures()];
            a.forward(x1, y1a, 1, pool);
            b.forward(x1, y1b, 1, pool);
            assertThat(y1b).isEqualTo(y1a);
        }
    }
}
