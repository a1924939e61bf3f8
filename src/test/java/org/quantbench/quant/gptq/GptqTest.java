package org.quantbench.quant.gptq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantbench.quant.calib.HessianAccumulator;
import org.quantbench.quant.calib.LayerQuantizationException;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.quant.intq.SymmetricConvention;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GptqTest {
    private static final ComputePool ONE = new ComputePool(1);

    /** Correlated inputs: a few latent factors mixed into every column, plus noise and a few loud channels. */
    static float[] correlatedInputs(int n, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int k = 8;
        float[] mix = new float[k * cols];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = (float) gauss(rnd);
        }
        float[] x = new float[n * cols];
        float[] z = new float[k];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < k; j++) {
                z[j] = (float) gauss(rnd);
            }
            for (int c = 0; c < cols; c++) {
                double v = 0.3 * gauss(rnd);
                for (int j = 0; j < k; j++) {
                    v += z[j] * mix[j * cols + c];
                }
                x[t * cols + c] = (float) (c % 17 == 0 ? 6 * v : v);
            }
        }
        return x;
    }

    static float[] weights(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.05 * gauss(rnd));
        }
        return w;
    }

    private static double gauss(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /** sum over tokens and rows of ((W - Wq) x)^2 */
    static double outputError(float[] w, IntGroupedLinear q, float[] x, int n, int rows, int cols) {
        float[] row = new float[cols];
        double err = 0;
        for (int r = 0; r < rows; r++) {
            q.dequantizeRow(r, row, 0);
            for (int t = 0; t < n; t++) {
                double d = 0;
                for (int c = 0; c < cols; c++) {
                    d += (w[r * cols + c] - row[c]) * (double) x[t * cols + c];
                }
                err += d * d;
            }
        }
        return err;
    }

    static WeightTensor tensor(float[] w, int rows, int cols) {
        return new WeightTensor("w", DType.F32, rows, cols, MemorySegment.ofArray(w));
    }

    @ParameterizedTest
    @CsvSource({"4, 64, true, true", "4, 64, false, false", "3, 128, true, false", "2, -1, false, true",
            "8, 32, true, true", "4, 200, false, true"})
    void outputErrorBelowRtnOnCorrelatedInputs(int bits, int group, boolean symmetric, boolean actOrder) {
        int rows = 40;
        int cols = 200; // groups of 64 and 128 leave a ragged last group
        int n = 512;
        float[] x = correlatedInputs(n, cols, 1);
        float[] w = weights(rows, cols, 2);
        HessianAccumulator acc = new HessianAccumulator(cols);
        acc.add(x, n, ONE);
        IntQuantizer quantizer = symmetric ? IntQuantizer.symmetric(bits, SymmetricConvention.LLM_COMPRESSOR)
                : IntQuantizer.asymmetric(bits);
        int g = group < 0 ? IntGroupedLinear.PER_CHANNEL : group;
        Gptq.Result gptq = Gptq.quantize(w, rows, cols, acc.result(), quantizer, g,
                new GptqConfig(0.01, 1.0, 128, actOrder), ONE, "w");
        IntGroupedLinear rtn = IntGroupedLinear.quantize(tensor(w, rows, cols), quantizer, g);
        double eg = outputError(w, gptq.linear(), x, n, rows, cols);
        double er = outputError(w, rtn, x, n, rows, cols);
        assertThat(eg).as("GPTQ vs RTN output error").isLessThan(0.9 * er);
        assertThat(gptq.linear().groupsPerRow()).isEqualTo(rtn.groupsPerRow());
        assertThat(gptq.damp()).isEqualTo(0.01);
    }

    @Test
    void resultDoesNotDependOnThreads() {
        int rows = 37;
        int cols = 150;
        float[] x = correlatedInputs(256, cols, 3);
        float[] w = weights(rows, cols, 4);
        HessianAccumulator acc = new HessianAccumulator(cols);
        acc.add(x, 256, ONE);
        float[] h = acc.result();
        IntQuantizer q = IntQuantizer.asymmetric(4);
        Gptq.Result one = Gptq.quantize(w, rows, cols, h, q, 64, GptqConfig.DEFAULT, ONE, "w");
        try (ComputePool two = new ComputePool(2)) {
            Gptq.Result many = Gptq.quantize(w, rows, cols, h, q, 64, GptqConfig.DEFAULT, two, "w");
            for (String b : one.linear().buffers().keySet()) {
                assertThat(many.linear().buffers().get(b).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                        .isEqualTo(one.linear().buffers().get(b).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
            assertThat(many.loss()).isEqualTo(one.loss());
        }
    }

    @Test
    void hessianMatchesDirectSum() {
        int cols = 53;
        int n = 130;
        float[] x = correlatedInputs(n, cols, 5);
        HessianAccumulator acc = new HessianAccumulator(cols);
        acc.add(x, 70, ONE);
        try (ComputePool two = new ComputePool(2)) {
            acc.add(java.util.Arrays.copyOfRange(x, 70 * cols, n * cols), n - 70, two);
        }
        float[] h = acc.result();
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                assertEntryIsDirectSum(h, x, n, cols, i, j);
            }
        }
    }

    /** {@code h[i, j]} against {@code (2/n) sum_t x[t,i] x[t,j]} summed in double. */
    private static void assertEntryIsDirectSum(float[] h, float[] x, int n, int cols, int i, int j) {
        double s = 0;
        for (int t = 0; t < n; t++) {
            s += (double) x[t * cols + i] * x[t * cols + j];
        }
        s *= 2.0 / n;
        assertThat((double) h[i * cols + j]).as("H[%d, %d]", i, j)
                .isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(s))));
    }

    /**
     * A layer wide enough for a task to sweep several column strips (1000 columns: 21 strips at 512-bit vectors),
     * a ragged token count and a padded last strip: the sums match a direct double sum, and one or two threads give
     * the same bits.
     */
    @Test
    void wideHessianMatchesDirectSumAndIgnoresThreads() {
        int cols = 1000;
        int n = 150;
        float[] x = correlatedInputs(n, cols, 7);
        HessianAccumulator one = new HessianAccumulator(cols);
        one.add(x, n, ONE);
        HessianAccumulator two = new HessianAccumulator(cols);
        try (ComputePool pool = new ComputePool(2)) {
            two.add(x, n, pool);
        }
        float[] h = one.result();
        assertThat(two.result()).isEqualTo(h);
        SplittableRandom pick = new SplittableRandom(8);
        for (int k = 0; k < 3000; k++) {
            int i = k < cols ? k : pick.nextInt(cols);
            int j = k < cols ? cols - 1 - k : pick.nextInt(cols);
            assertEntryIsDirectSum(h, x, n, cols, i, j);
        }
    }

    /** The in-place symmetric permutation against an out-of-place one: fixed points, a long cycle, 2-cycles. */
    @Test
    void permutesTheHessianInPlace() {
        int n = 11;
        int[] order = {3, 1, 0, 5, 2, 4, 6, 10, 9, 8, 7};
        float[] h = new float[n * n];
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) rnd.nextDouble();
        }
        float[] expected = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                expected[i * n + j] = h[order[i] * n + order[j]];
            }
        }
        Gptq.permuteSymmetric(h, n, order);
        assertThat(h).isEqualTo(expected);
    }

    /** Sizes below, at and above the 32-wide panels, ragged last panel included. */
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 32, 37, 100})
    void inverseCholeskyFactorsTheInverse(int n) {
        float[] x = correlatedInputs(200, n, 6);
        HessianAccumulator acc = new HessianAccumulator(n);
        acc.add(x, 200, ONE);
        float[] h = acc.result();
        for (int i = 0; i < n; i++) {
            h[i * n + i] += 0.1f;
        }
        float[] u;
        try (ComputePool two = new ComputePool(2)) {
            u = InverseCholesky.upperFactorOfInverse(InverseCholesky.factor(h, n, two), n, two);
        }
        // U^T U H = I
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    double uu = 0;
                    for (int m = 0; m < n; m++) {
                        uu += (double) u[m * n + i] * u[m * n + k];
                    }
                    s += uu * h[k * n + j];
                }
                assertThat(s).isCloseTo(i == j ? 1 : 0, org.assertj.core.data.Offset.offset(2e-3));
            }
            for (int j = 0; j < i; j++) {
                assertThat(u[i * n + j]).isZero();
            }
        }
    }

    @Test
    void indefiniteHessianFailsAtMaximumDampingNamingTheLinear() {
        int cols = 4;
        float[] h = {1, 100, 0, 0, 100, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
        assertThatThrownBy(() -> Gptq.quantize(weights(3, cols, 1), 3, cols, h, IntQuantizer.asymmetric(4), 2,
                GptqConfig.DEFAULT, ONE, "blk.7.attn_q.weight"))
                .isInstanceOf(LayerQuantizationException.class)
                .hasMessageContaining("blk.7.attn_q.weight").hasMessageContaining("maximum damping");
    }

    @Test
    void dampingIsRaisedUntilCholeskySucceeds() {
        int cols = 2;
        // eigenvalues 1 +- 1.05: indefinite; 0.1 x mean(diag) = 0.1 is enough to make it positive definite
        float[] h = {1, 1.05f, 1.05f, 1};
        Gptq.Result r = Gptq.quantize(weights(3, cols, 1), 3, cols, h, IntQuantizer.asymmetric(4), 2,
                GptqConfig.DEFAULT, ONE, "w");
        assertThat(r.damp()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void deadInputsAndAllZeroLayersQuantizeToZero() {
        int rows = 5;
        int cols = 40;
        float[] w = weights(rows, cols, 9);
        Gptq.Result dead = Gptq.quantize(w, rows, cols, new float[cols * cols], IntQuantizer.asymmetric(4), 16,
                GptqConfig.DEFAULT, ONE, "w");
        Gptq.Result zeroW = Gptq.quantize(new float[rows * cols], rows, cols, identity(cols), IntQuantizer.symmetric(4,
                SymmetricConvention.LLM_COMPRESSOR), 16, GptqConfig.DEFAULT, ONE, "w");
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            dead.linear().dequantizeRow(r, row, 0);
            assertThat(row).containsOnly(0f);
            zeroW.linear().dequantizeRow(r, row, 0);
            assertThat(row).containsOnly(0f);
        }
    }

    @Test
    void nonFiniteHessianIsAClearError() {
        float[] x = {1, Float.NaN, 2, 3};
        HessianAccumulator acc = new HessianAccumulator(2);
        acc.add(x, 2, ONE);
        assertThatThrownBy(acc::result).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not finite");
    }

    private static float[] identity(int n) {
        float[] h = new float[n * n];
        for (int i = 0; i < n; i++) {
            h[i * n + i] = 1;
        }
        return h;
    }
}
