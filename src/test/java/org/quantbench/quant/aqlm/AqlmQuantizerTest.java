package org.quantbench.quant.aqlm;

import org.junit.jupiter.api.Test;
import org.quantbench.quant.AqlmScheme;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AqlmQuantizerTest {
    private static final AqlmScheme X2X8 = new AqlmScheme(2, 8);
    private static final AqlmQuantizer.Options FAST = new AqlmQuantizer.Options(4, 4, 6, 8, 0);

    /** Gaussian weights with row scales spread over 4x. */
    static float[] weights(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double scale = 0.02 * (1 + 3 * rnd.nextDouble());
            for (int c = 0; c < cols; c++) {
                w[r * cols + c] = (float) (scale * rnd.nextGaussian());
            }
        }
        return w;
    }

    /** {@code X^T X} of correlated inputs: a rank-16 signal with per-channel gains, plus noise and two outlier channels. */
    static float[] hessian(int cols, int samples, long seed) {
        Random rnd = new Random(seed);
        int rank = 16;
        double[] mix = new double[rank * cols];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = rnd.nextGaussian();
        }
        double[] gain = new double[cols];
        for (int c = 0; c < cols; c++) {
            gain[c] = c % 97 == 5 ? 10 : 0.5 + rnd.nextDouble();
        }
        double[] h = new double[cols * cols];
        double[] x = new double[cols];
        double[] z = new double[rank];
        for (int n = 0; n < samples; n++) {
            for (int t = 0; t < rank; t++) {
                z[t] = rnd.nextGaussian();
            }
            for (int c = 0; c < cols; c++) {
                double v = 0.3 * rnd.nextGaussian();
                for (int t = 0; t < rank; t++) {
                    v += z[t] * mix[t * cols + c];
                }
                x[c] = gain[c] * v;
            }
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < cols; j++) {
                    h[i * cols + j] += x[i] * x[j];
                }
            }
        }
        float[] hf = new float[h.length];
        for (int i = 0; i < h.length; i++) {
            hf[i] = (float) (h[i] / samples);
        }
        return hf;
    }

    /** {@code tr((W - What) H (W - What)^T)} in double. */
    static double loss(QuantizedLinear q, float[] w, float[] h) {
        int rows = q.outFeatures();
        int cols = q.inFeatures();
        float[] row = new float[cols];
        double total = 0;
        double[] e = new double[cols];
        for (int r = 0; r < rows; r++) {
            q.dequantizeRow(r, row, 0);
            for (int c = 0; c < cols; c++) {
                e[c] = row[c] - w[r * cols + c];
            }
            for (int i = 0; i < cols; i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += h[i * cols + j] * e[j];
                }
                total += e[i] * s;
            }
        }
        return total;
    }

    @Test
    void lossFallsAcrossRoundsAndBeatsTwoBitRtn() {
        int rows = 64, cols = 264;
        float[] w = weights(rows, cols, 1);
        float[] h = hessian(cols, 400, 2);
        List<Double> losses = new ArrayList<>();
        AqlmLinear q;
        try (ComputePool pool = new ComputePool(2)) {
            q = AqlmQuantizer.quantize(w, rows, cols, h, X2X8, 42, FAST, pool, (round, rounds, l, rel) -> losses.add(l));
        }
        assertThat(losses).hasSize(FAST.rounds() + 1);
        for (int i = 1; i < losses.size(); i++) {
            assertThat(losses.get(i)).as("round %d", i).isLessThanOrEqualTo(losses.get(i - 1) * (1 + 1e-4));
        }
        assertThat(losses.getLast()).isLessThan(0.8 * losses.getFirst());
        double aqlm = loss(q, w, h);
        assertThat(aqlm).as("reported loss is the stored layer's").isCloseTo(losses.getLast(),
                org.assertj.core.data.Percentage.withPercentage(1));
        IntGroupedLinear rtn = IntGroupedLinear.quantize(new WeightTensor("w", DType.F32, rows, cols,
                MemorySegment.ofArray(w.clone())), IntQuantizer.asymmetric(2), 128);
        double rtnLoss = loss(rtn, w, h);
        assertThat(aqlm).as("AQLM 2x8 vs RTN 2-bit g128 asym").isLessThan(0.5 * rtnLoss);
    }

    @Test
    void oneByXvi() {
        int rows = 16, cols = 64;
        float[] w = weights(rows, cols, 3);
        float[] h = hessian(cols, 200, 4);
        List<Double> losses = new ArrayList<>();
        try (ComputePool pool = new ComputePool(2)) {
            AqlmLinear q = AqlmQuantizer.quantize(w, rows, cols, h, new AqlmScheme(1, 16), 5,
                    new AqlmQuantizer.Options(2, 2, 2, 4, 0), pool, (round, rounds, l, rel) -> losses.add(l));
            assertThat(q.format()).isEqualTo("AQLM-1x16");
            assertThat(loss(q, w, h)).isCloseTo(losses.getLast(), org.assertj.core.data.Percentage.withPercentage(1));
        }
        assertThat(losses.getLast()).isLessThan(losses.getFirst());
    }

    /** Beam 1 (1x16's default) scores a task's rows together; greedy 2x8 walks the codebooks in turn. */
    @Test
    void greedySearchLowersTheLossForBothLayouts() {
        int rows = 37, cols = 64;  // 37: a task of 32 rows and a ragged one of 5
        float[] w = weights(rows, cols, 13);
        float[] h = hessian(cols, 200, 14);
        for (AqlmScheme scheme : List.of(new AqlmScheme(1, 16), X2X8)) {
            List<Double> losses = new ArrayList<>();
            try (ComputePool pool = new ComputePool(2)) {
                AqlmLinear q = AqlmQuantizer.quantize(w, rows, cols, h, scheme, 5,
                        new AqlmQuantizer.Options(3, 1, 2, 4, 0), pool, (round, rounds, l, rel) -> losses.add(l));
                assertThat(loss(q, w, h)).as(scheme.name())
                        .isCloseTo(losses.getLast(), org.assertj.core.data.Percentage.withPercentage(1));
            }
            assertThat(losses.getLast()).as(scheme.name()).isLessThan(losses.getFirst());
            for (int i = 1; i < losses.size(); i++) {
                // each round can only rise by the float16 rounding of codebooks and scales
                assertThat(losses.get(i)).as(scheme.name() + " round " + i).isLessThan(losses.get(i - 1) * 1.01);
            }
        }
    }

    @Test
    void sameResultOnOneAndTwoThreads() {
        int rows = 40, cols = 72;
        float[] w = weights(rows, cols, 7);
        float[] h = hessian(cols, 100, 8);
        AqlmQuantizer.Options greedy = new AqlmQuantizer.Options(2, 1, 2, 4, 0);
        for (var run : List.of(java.util.Map.entry(X2X8, FAST), java.util.Map.entry(new AqlmScheme(1, 16), greedy))) {
            AqlmLinear a;
            AqlmLinear b;
            try (ComputePool one = new ComputePool(1); ComputePool two = new ComputePool(2)) {
                a = AqlmQuantizer.quantize(w, rows, cols, h, run.getKey(), 9, run.getValue(), one, (r, n, l, rel) -> { });
                b = AqlmQuantizer.quantize(w, rows, cols, h, run.getKey(), 9, run.getValue(), two, (r, n, l, rel) -> { });
            }
            for (String name : List.of(AqlmLinear.CODES, AqlmLinear.CODEBOOKS, AqlmLinear.SCALES)) {
                assertThat(a.buffers().get(name).mismatch(b.buffers().get(name))).as(run.getKey().name() + " " + name)
                        .isEqualTo(-1L);
            }
        }
    }

    @Test
    void allZeroLayerGivesZeros() {
        int rows = 8, cols = 16;
        AqlmLinear q = AqlmQuantizer.quantize(new float[rows * cols], rows, cols, hessian(cols, 50, 1), X2X8, 1, FAST,
                new ComputePool(1), (r, n, l, rel) -> assertThat(l).isZero());
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            q.dequantizeRow(r, row, 0);
            assertThat(row).containsOnly(0f);
        }
    }

    @Test
    void rejectsBadInput() {
        float[] h = hessian(16, 20, 1);
        AqlmQuantizer.Progress none = (r, n, l, rel) -> { };
        assertThatThrownBy(() -> AqlmQuantizer.quantize(new float[12], 1, 12, new float[144], X2X8, 1, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 8");
        float[] w = weights(2, 16, 1);
        w[5] = Float.NaN;
        assertThatThrownBy(() -> AqlmQuantizer.quantize(w, 2, 16, h, X2X8, 1, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight 5 is NaN");
        float[] badH = h.clone();
        badH[3] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> AqlmQuantizer.quantize(weights(2, 16, 1), 2, 16, badH, X2X8, 1, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Hessian entry 3 is Infinity");
        assertThatThrownBy(() -> AqlmQuantizer.quantize(weights(2, 16, 1), 2, 16, new float[10], X2X8, 1, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16x16 Hessian");
    }
}
