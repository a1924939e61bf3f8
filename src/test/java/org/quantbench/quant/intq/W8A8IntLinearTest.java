package org.quantbench.quant.intq;

import org.junit.jupiter.api.Test;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class W8A8IntLinearTest {

    /** Independent reference: per-token int8 activations, exact long dot product, then the two scales. */
    static float[] reference(W8A8IntLinear lin, float[] smoothing, float[] x, int tokens) {
        int rows = lin.outFeatures();
        int cols = lin.inFeatures();
        float[] y = new float[tokens * rows];
        for (int t = 0; t < tokens; t++) {
            float[] v = new float[cols];
            float amax = 0;
            for (int c = 0; c < cols; c++) {
                v[c] = smoothing == null ? x[t * cols + c] : x[t * cols + c] / smoothing[c];
                amax = Math.max(amax, Math.abs(v[c]));
            }
            float sx = amax / 127f;
            for (int o = 0; o < rows; o++) {
                long dot = 0;
                for (int c = 0; c < cols; c++) {
                    long xq = sx == 0 ? 0 : Math.round(Math.max(-127, Math.min(127, Math.rint(v[c] / sx))));
                    dot += xq * lin.code(o, c);
                }
                assertThat(dot).isBetween((long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE);
                y[t * rows + o] = (sx * lin.scale(o)) * (float) dot;
            }
        }
        return y;
    }

    static void checkAgainstReference(W8A8IntLinear lin, float[] smoothing, long seed) {
        int rows = lin.outFeatures();
        int cols = lin.inFeatures();
        int tokens = 13;
        float[] x = IntTestData.activations(tokens, cols, seed);
        float[] ref = reference(lin, smoothing, x, tokens);
        try (ComputePool one = new ComputePool(1); ComputePool two = new ComputePool(2)) {
            float[] batched = IntTestData.forward(lin, x, tokens, two);
            assertThat(batched).as("GEMM vs exact-integer reference %dx%d", rows, cols).isEqualTo(ref);
            for (int t = 0; t < tokens; t++) {
                float[] single = IntTestData.forward(lin, Arrays.copyOfRange(x, t * cols, (t + 1) * cols), 1, one);
                assertThat(single).as("GEMV token %d", t).isEqualTo(Arrays.copyOfRange(ref, t * rows, (t + 1) * rows));
            }
        }
    }

    /** At the widest row the shared float GEMM takes, the largest dot products (every code 127) stay exact. */
    @Test
    void theSharedGemmIsExactAtItsWidestRow() {
        int cols = W8A8IntLinear.EXACT_FLOAT_COLS;
        float[] w = new float[3 * cols];
        Arrays.fill(w, 1f);
        w[cols] = -1f; // row 1: one code of -127
        W8A8IntLinear lin = W8A8IntLinear.quantize(IntTestData.f32("w", 3, cols, w), null);
        float[] x = new float[2 * cols];
        Arrays.fill(x, 0.5f);
        Arrays.fill(x, cols, 2 * cols, -2f);
        try (ComputePool two = new ComputePool(2)) {
            assertThat(IntTestData.forward(lin, x, 2, two)).isEqualTo(reference(lin, null, x, 2));
        }
        assertThat((long) cols * 128 * 127).isLessThan(1L << 24);
    }

    /** Rows too long for lanes to stay exact over the whole row convert them after every K-block: still exact. */
    @Test
    void longRowsConvertTheirLanesBlockByBlock() {
        int cols = 1032 * 16 + 100;
        checkAgainstReference(W8A8IntLinear.quantize(IntTestData.gaussian("w", 3, cols, 21), null), null, 5);
    }

    @Test
    void kernelsEqualTheExactIntegerReference() {
        for (int cols : new int[] {1, 7, 64, 172, 513, 4099}) {
            for (int rows : new int[] {1, 13, 21}) {
                WeightTensor w = IntTestData.gaussian("w", rows, cols, cols * 17L + rows);
                checkAgainstReference(W8A8IntLinear.quantize(w, null), null, cols + rows);
            }
        }
    }

    @Test
    void outputsAreCloseToTheFloatProductWithinTheActivationRounding() {
        int rows = 9;
        int cols = 300;
        W8A8IntLinear lin = W8A8IntLinear.quantize(IntTestData.gaussian("w", rows, cols, 2), null);
        float[] x = IntTestData.activations(1, cols, 3);
        float amax = 0;
        for (float v : x) {
            amax = Math.max(amax, Math.abs(v));
        }
        float[] y = IntTestData.forward(lin, x, 1, new ComputePool(1));
        float[] w = new float[cols];
        for (int o = 0; o < rows; o++) {
            lin.dequantizeRow(o, w, 0);
            double exact = 0;
            double bound = 0;
            for (int c = 0; c < cols; c++) {
                exact += (double) w[c] * x[c];
                bound += Math.abs(w[c]) * amax / 127 / 2; // each activation off by at most half a step
            }
            assertThat(Math.abs(y[o] - exact)).isLessThanOrEqualTo(bound * 1.001 + 1e-4);
        }
    }

    @Test
    void outputsDoNotDependOnTheThreadCount() {
        W8A8IntLinear lin = W8A8IntLinear.quantize(IntTestData.gaussian("w", 40, 4099, 5), null);
        try (ComputePool one = new ComputePool(1); ComputePool two = new ComputePool(2)) {
            for (int tokens : new int[] {1, 6}) {
                float[] x = IntTestData.activations(tokens, 4099, tokens);
                assertThat(IntTestData.forward(lin, x, tokens, two)).isEqualTo(IntTestData.forward(lin, x, tokens, one));
            }
        }
    }

    @Test
    void weightsArePerRowSymmetricInt8RoundedHalfToEven() {
        float[] v = {1.27f, -0.635f, 0.005f, 0.015f, 0f, -1.27f,
                     0f, 0f, 0f, 0f, 0f, 0f};
        W8A8IntLinear lin = W8A8IntLinear.quantize(IntTestData.f32("w", 2, 6, v), null);
        assertThat(lin.scale(0)).isEqualTo(1.27f / 127f);
        int[] codes = new int[6];
        for (int c = 0; c < 6; c++) {
            codes[c] = lin.code(0, c);
        }
        float s = lin.scale(0);
        assertThat(codes).containsExactly(127, (int) Math.rint(-0.635f / s), (int) Math.rint(0.005f / s),
                (int) Math.rint(0.015f / s), 0, -127);
        assertThat(W8A8IntLinear.toInt8(2.5f, 1f)).isEqualTo(2);
        assertThat(W8A8IntLinear.toInt8(-3.5f, 1f)).isEqualTo(-4);
        assertThat(W8A8IntLinear.toInt8(1000f, 1f)).isEqualTo(127);
        assertThat(W8A8IntLinear.toInt8(-1000f, 1f)).isEqualTo(-127);
        float[] d = new float[6];
        lin.dequantizeRow(0, d, 0);
        assertThat(d[0]).isEqualTo(s * 127);
        // an all-zero row: scale 0, codes 0, output 0
        assertThat(lin.scale(1)).isZero();
        float[] y = IntTestData.forward(lin, new float[] {1, 2, 3, 4, 5, 6}, 1, new ComputePool(1));
        assertThat(y[1]).isZero();
        assertThat(IntTestData.forward(lin, new float[6], 1, new ComputePool(1))).containsOnly(0f);
    }

    @Test
    void smoothingFoldsIntoWeightsAndDividesActivations() {
        int rows = 13;
        int cols = 172;
        WeightTensor w = IntTestData.gaussian("w", rows, cols, 8);
        Random r = new Random(1);
        float[] m = new float[cols];
        for (int c = 0; c < cols; c++) {
            m[c] = (float) Math.exp(r.nextGaussian());
        }
        W8A8IntLinear lin = W8A8IntLinear.quantize(w, m);
        assertThat(lin.smoothing()).containsExactly(m);
        float[] orig = new float[cols];
        float[] deq = new float[cols];
        for (int o = 0; o < rows; o++) {
            w.readRow(o, orig, 0);
            lin.dequantizeRow(o, deq, 0);
            for (int c = 0; c < cols; c++) {
                assertThat(Math.abs(deq[c] - orig[c] * m[c])).isLessThanOrEqualTo(lin.scale(o) / 2 * 1.0001f);
            }
        }
        checkAgainstReference(lin, m, 4);
        // W' (x / m) is close to W x
        float[] x = IntTestData.activations(1, cols, 9);
        float[] y = IntTestData.forward(lin, x, 1, new ComputePool(1));
        for (int o = 0; o < rows; o++) {
            w.readRow(o, orig, 0);
            double exact = 0;
            double mag = 0;
            for (int c = 0; c < cols; c++) {
                exact += (double) orig[c] * x[c];
                mag += Math.abs((double) orig[c] * x[c]);
            }
            assertThat(Math.abs(y[o] - exact)).isLessThanOrEqualTo(0.05 * mag);
        }
        // unit factors are no smoothing at all
        float[] ones = new float[cols];
        Arrays.fill(ones, 1f);
        W8A8IntLinear unit = W8A8IntLinear.quantize(w, ones);
        assertThat(unit.smoothing()).isNull();
        assertThat(unit.buffers()).doesNotContainKey("smooth");
    }

    @Test
    void restoreFromExactBuffersGivesIdenticalOutputs() {
        float[] m = new float[1030];
        Arrays.fill(m, 0.5f);
        m[3] = 4f;
        for (float[] smoothing : new float[][] {null, m}) {
            W8A8IntLinear lin = W8A8IntLinear.quantize(IntTestData.gaussian("w", 13, 1030, 6), smoothing);
            W8A8IntLinear back = W8A8IntLinear.restore(13, 1030, IntGroupedLinearTest.copies(lin.buffers()));
            assertThat(back.residentBytes()).isEqualTo(lin.residentBytes());
            float[] x = IntTestData.activations(5, 1030, 2);
            try (ComputePool one = new ComputePool(1)) {
                assertThat(IntTestData.forward(back, x, 5, one)).isEqualTo(IntTestData.forward(lin, x, 5, one));
                float[] x1 = Arrays.copyOf(x, 1030);
                assertThat(IntTestData.forward(back, x1, 1, one)).isEqualTo(IntTestData.forward(lin, x1, 1, one));
            }
            checkAgainstReference(back, smoothing, 12);
        }
    }

    @Test
    void bitsPerWeightFollowsTheFormula() {
        W8A8IntLinear plain = W8A8IntLinear.quantize(IntTestData.gaussian("w", 64, 256, 1), null);
        assertThat(plain.bitsPerWeight()).isEqualTo(8 + 32.0 / 256);
        float[] m = new float[256];
        Arrays.fill(m, 2f);
        W8A8IntLinear smoothed = W8A8IntLinear.quantize(IntTestData.gaussian("w", 64, 256, 1), m);
        assertThat(smoothed.bitsPerWeight()).isEqualTo(8 + 32.0 / 256 + 32.0 / 64);
        for (W8A8IntLinear lin : new W8A8IntLinear[] {plain, smoothed}) {
            assertThat(lin.buffers().values().stream().mapToLong(MemorySegment::byteSize).sum()).isEqualTo(lin.residentBytes());
        }
        assertThat(plain.format()).isEqualTo("W8A8-INT8");
    }

    @Test
    void badInputIsRejected() {
        float[] v = new float[2 * 5];
        v[7] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> W8A8IntLinear.quantize(IntTestData.f32("blk.3.ffn_up.weight", 2, 5, v), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blk.3.ffn_up.weight").hasMessageContaining("[1, 2]");
        WeightTensor ok = IntTestData.gaussian("w", 2, 5, 1);
        assertThatThrownBy(() -> W8A8IntLinear.quantize(ok, new float[4])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 columns");
        assertThatThrownBy(() -> W8A8IntLinear.quantize(ok, new float[] {1, 1, 0, 1, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("> 0");
        assertThatThrownBy(() -> W8A8IntLinear.quantize(ok, new float[] {1, 1, Float.NaN, 1, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> W8A8IntLinear.quantize(IntTestData.f32("big", 1, 2, new float[] {3e38f, 1f}), new float[] {10f, 1f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smoothing");
        W8A8IntLinear lin = W8A8IntLinear.quantize(ok, null);
        Map<String, MemorySegment> good = IntGroupedLinearTest.copies(lin.buffers());
        assertThatThrownBy(() -> W8A8IntLinear.restore(2, 6, good)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qweight");
        Map<String, MemorySegment> extra = new HashMap<>(good);
        extra.put("zeros", MemorySegment.ofArray(new byte[2]));
        assertThatThrownBy(() -> W8A8IntLinear.restore(2, 5, extra)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffers");
        Map<String, MemorySegment> negative = IntGroupedLinearTest.copies(good);
        negative.get("scales").set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4, -1f);
        assertThatThrownBy(() -> W8A8IntLinear.restore(2, 5, negative)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> W8A8IntLinear.quantize(IntTestData.gaussian("w", 1, W8A8IntLinear.MAX_COLS + 1, 1), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Worst-case magnitudes: every product 127 x 127 over many columns still sums exactly. */
    @Test
    void extremeCodesSumExactly() {
        int rows = 8;
        int cols = 9000;
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 3 == 0) ? -1f : 1f;
        }
        W8A8IntLinear lin = W8A8IntLinear.quantize(IntTestData.f32("w", rows, cols, v), null);
        float[] x = new float[2 * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 3 == 0) ? -2f : 2f;
        }
        float[] ref = reference(lin, null, x, 2);
        try (ComputePool one = new ComputePool(1)) {
            assertThat(IntTestData.forward(lin, x, 2, one)).isEqualTo(ref);
            assertThat(IntTestData.forward(lin, Arrays.copyOf(x, cols), 1, one)).isEqualTo(Arrays.copyOf(ref, rows));
        }
        assertThat(ref[0]).isEqualTo((lin.scale(0) * (2f / 127f)) * (float) (127L * 127 * cols));
    }

    /**
     * The vectorized activation quantizer gives the scalar formula's codes: ties round half to even, +-127 clamps,
     * ragged tails, smoothing, an all-zero token and non-finite tokens (which take the scalar path).
     */
    @Test
    void activationCodesMatchTheScalarFormula() {
        java.util.Random rnd = new java.util.Random(9);
        for (int cols : new int[] {1, 15, 16, 37, 128, 4099}) {
            W8A8IntLinear plain = W8A8IntLinear.quantize(IntTestData.gaussian("w", 2, cols, 1), null);
            float[] smoothing = new float[cols];
            for (int c = 0; c < cols; c++) {
                smoothing[c] = 0.25f + rnd.nextFloat() * 4;
            }
            W8A8IntLinear smoothed = W8A8IntLinear.quantize(IntTestData.gaussian("w", 2, cols, 1), smoothing);
            for (int trial = 0; trial < 6; trial++) {
                float[] x = new float[cols];
                for (int c = 0; c < cols; c++) {
                    x[c] = switch (trial) {
                        case 0 -> (float) rnd.nextGaussian();
                        case 1 -> (float) (rnd.nextInt(255) - 127) / 2f; // amax 63.5 or so: many exact halves
                        case 2 -> c == 0 ? 127f : (rnd.nextInt(255) - 127) + 0.5f * (c % 2); // s = 1: ties at .5
                        case 3 -> 0f;
                        case 4 -> c == cols / 2 ? Float.NaN : 1f;
                        default -> c == 0 ? Float.POSITIVE_INFINITY : (float) rnd.nextGaussian();
                    };
                }
                for (W8A8IntLinear lin : new W8A8IntLinear[] {plain, smoothed}) {
                    float[] got = new float[cols + 3];
                    float s = lin.quantizeToken(x, 0, got, 3);
                    float[] m = lin.smoothing();
                    float amax = 0f;
                    float[] v = new float[cols];
                    for (int c = 0; c < cols; c++) {
                        v[c] = m == null ? x[c] : x[c] / m[c];
                        amax = Math.max(amax, Math.abs(v[c]));
                    }
                    assertThat(Float.floatToIntBits(s)).isEqualTo(Float.floatToIntBits(amax / 127f));
                    for (int c = 0; c < cols; c++) {
                        assertThat(got[3 + c]).as("cols %d trial %d col %d", cols, trial, c)
                                .isEqualTo((float) W8A8IntLinear.toInt8(v[c], amax / 127f));
                    }
                }
            }
        }
    }
}
