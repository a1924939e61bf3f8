package org.quantbench.quant.intq;

import org.quantbench.engine.Linear;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Random tensors and the kernel checks shared by the format tests of this package. */
final class IntTestData {
    private IntTestData() {}

    /** Gaussian weights with a few outliers, so groups have different ranges. */
    static WeightTensor gaussian(String name, int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * (r.nextInt(50) == 0 ? 4 : 1) + (r.nextInt(7) == 0 ? 0.3 : 0));
        }
        return f32(name, rows, cols, v);
    }

    static WeightTensor f32(String name, int rows, int cols, float[] values) {
        return new WeightTensor(name, DType.F32, rows, cols, MemorySegment.ofArray(values.clone()));
    }

    static float[] activations(int tokens, int cols, long seed) {
        Random r = new Random(seed);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static float[] forward(Linear lin, float[] x, int tokens, ComputePool pool) {
        float[] out = new float[tokens * lin.outFeatures()];
        lin.forward(x, out, tokens, pool);
        return out;
    }

    /**
     * The shared contract: GEMM over 13 tokens on 2 threads within 1e-5 (relative to sum |w x|) of dequantizeRow then a
     * double matmul, and every token's GEMV on 1 thread bit-identical to its GEMM output.
     */
    static void checkKernels(QuantizedLinear lin, long seed) {
        int rows = lin.outFeatures();
        int cols = lin.inFeatures();
        int tokens = 13;
        float[] x = activations(tokens, cols, seed);
        float[] w = new float[cols];
        try (ComputePool one = new ComputePool(1); ComputePool two = new ComputePool(2)) {
            float[] batched = forward(lin, x, tokens, two);
            float[][] single = new float[tokens][];
            for (int t = 0; t < tokens; t++) {
                single[t] = forward(lin, Arrays.copyOfRange(x, t * cols, (t + 1) * cols), 1, one);
            }
            for (int o = 0; o < rows; o++) {
                lin.dequantizeRow(o, w, 0);
                for (int t = 0; t < tokens; t++) {
                    double ref = 0;
                    double mag = 0;
                    for (int i = 0; i < cols; i++) {
                        ref += (double) w[i] * x[t * cols + i];
                        mag += Math.abs((double) w[i] * x[t * cols + i]);
                    }
                    float got = batched[t * rows + o];
                    assertThat(Math.abs(got - ref)).as("%s row %d token %d", lin.format(), o, t)
                            .isLessThanOrEqualTo(1e-5 * mag + 1e-30);
                    assertThat(single[t][o]).as("%s GEMV == GEMM row %d token %d", lin.format(), o, t).isEqualTo(got);
                }
            }
        }
    }
}
