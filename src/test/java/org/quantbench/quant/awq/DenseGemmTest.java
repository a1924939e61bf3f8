package org.quantbench.quant.awq;

import org.junit.jupiter.api.Test;
import org.quantbench.tensor.ComputePool;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DenseGemmTest {

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void productMatchesDoublePrecisionOnOddShapes() {
        int[][] shapes = {{1, 1, 1}, {5, 17, 33}, {13, 40, 515}, {64, 3, 1030}};
        try (ComputePool pool = new ComputePool(2)) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = random(m * k, m);
                float[] b = random(n * k, n);
                float[] out = new float[m * n];
                DenseGemm.multiplyTransposed(a, m, b, n, k, out, pool);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double ref = 0, mag = 0;
                        for (int c = 0; c < k; c++) {
                            ref += (double) a[i * k + c] * b[j * k + c];
                            mag += Math.abs((double) a[i * k + c] * b[j * k + c]);
                        }
                        assertThat((double) out[i * n + j]).as("%s [%d,%d]", java.util.Arrays.toString(s), i, j)
                                .isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * mag + 1e-12));
                    }
                }
            }
        }
    }

    @Test
    void outerProductKernelMatchesDoublePrecisionOnOddShapes() {
        int[][] shapes = {{1, 1, 1}, {7, 33, 5}, {13, 300, 48}, {9, 130, 100}, {64, 576, 96}};
        try (ComputePool pool = new ComputePool(2)) {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                float[] a = random(m * k, m + 1);
                float[] b = random(k * n, n + 2);
                float[] out = new float[m * n];
                java.util.Arrays.fill(out, Float.NaN); // overwritten, not accumulated into
                DenseGemm.multiply(a, m, k, b, n, out, pool);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double ref = 0, mag = 0;
                        for (int c = 0; c < k; c++) {
                            ref += (double) a[i * k + c] * b[c * n + j];
                            mag += Math.abs((double) a[i * k + c] * b[c * n + j]);
                        }
                        assertThat((double) out[i * n + j]).as("%s [%d,%d]", java.util.Arrays.toString(s), i, j)
                                .isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * mag + 1e-12));
                    }
                }
            }
        }
    }

    @Test
    void gramMatchesDirectSums() {
        int tokens = 1100;
        int cols = 37;
        float[] x = random(tokens * cols, 7);
        float[] g;
        try (ComputePool pool = new ComputePool(2)) {
            g = DenseGemm.gram(x, tokens, cols, pool);
        }
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double ref = 0;
                for (int t = 0; t < tokens; t++) {
                    ref += (double) x[t * cols + i] * x[t * cols + j];
                }
                assertThat((double) g[i * cols + j]).isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-3 + 1e-5 * Math.abs(ref)));
            }
        }
        assertThat(DenseGemm.transpose(DenseGemm.transpose(x, tokens, cols), cols, tokens)).isEqualTo(x);
    }

    @Test
    void rejectsWrongLengths() {
        try (ComputePool pool = new ComputePool(1)) {
            assertThatThrownBy(() -> DenseGemm.multiplyTransposed(new float[6], 2, new float[5], 2, 3, new float[4], pool))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b has 5");
        }
    }
}
