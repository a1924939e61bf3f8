package org.quantbench.engine;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** llama.cpp's two CPU flash-attention paths against plain softmax attention in double. */
class LlamaCppAttentionTest {
    private static final int HEAD = 64;
    private static final int STRIDE = 3 * HEAD;
    private static final int KV_OFF = HEAD;

    private static float[] fp16Values(int n, long seed, double scale) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = LlamaCppAttention.fp16((float) (scale * r.nextGaussian()));
        }
        return v;
    }

    /** softmax(q . k * scale) . v in double, keys j < len of the head at KV_OFF. */
    private static double[] reference(float[] q, float[] keys, float[] values, int len, float scale) {
        double[] s = new double[len];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            for (int d = 0; d < HEAD; d++) {
                s[j] += (double) q[d] * keys[j * STRIDE + KV_OFF + d];
            }
            s[j] *= scale;
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
        }
        double[] out = new double[HEAD];
        for (int j = 0; j < len; j++) {
            for (int d = 0; d < HEAD; d++) {
                out[d] += s[j] / sum * values[j * STRIDE + KV_OFF + d];
            }
        }
        return out;
    }

    /** The tiled path is float attention: within float rounding of the double reference, across tile boundaries. */
    @Test
    void tiledPathIsFloatAttention() {
        for (int len : new int[] {1, 63, 64, 65, 200}) {
            float[] q = fp16Values(HEAD, 1, 1);
            float[] keys = fp16Values(len * STRIDE, 2, 1);
            float[] values = fp16Values(len * STRIDE, 3, 1);
            float[] out = new float[HEAD + 5];
            LlamaCppAttention.tiled(q, 0, keys, values, KV_OFF, STRIDE, HEAD, len, 0.125f, out, 5, new float[64], new float[64]);
            double[] ref = reference(q, keys, values, len, 0.125f);
            for (int d = 0; d < HEAD; d++) {
                assertThat((double) out[5 + d]).as("len %d dim %d", len, d).isCloseTo(ref[d], org.assertj.core.data.Offset.offset(2e-6));
            }
        }
    }

    /**
     * The one-by-one path rounds Q and the running sum to fp16: close to the reference (fp16's 2^-11 per step), not
     * equal to it, and its outputs are fp16 values divided by the softmax sum.
     */
    @Test
    void oneByOnePathAccumulatesInFp16() {
        int len = 40;
        float[] q = new float[HEAD];
        Random r = new Random(4);
        for (int d = 0; d < HEAD; d++) {
            q[d] = (float) r.nextGaussian();
        }
        float[] keys = fp16Values(len * STRIDE, 5, 1);
        float[] values = fp16Values(len * STRIDE, 6, 1);
        float[] out = new float[HEAD];
        LlamaCppAttention.oneByOne(q, 0, keys, values, KV_OFF, STRIDE, HEAD, len, 0.125f, out, 0, new float[HEAD], new float[64]);
        float[] tiled = new float[HEAD];
        LlamaCppAttention.tiled(q, 0, keys, values, KV_OFF, STRIDE, HEAD, len, 0.125f, tiled, 0, new float[64], new float[64]);
        double[] ref = reference(q, keys, values, len, 0.125f);
        double worst = 0;
        for (int d = 0; d < HEAD; d++) {
            worst = Math.max(worst, Math.abs(out[d] - ref[d]));
        }
        assertThat(worst).isLessThan(5e-3).isGreaterThan(1e-6);
        assertThat(out).isNotEqualTo(tiled);
    }

    /** One key: the output is that key's value, exactly, on both paths. */
    @Test
    void singleKeyGivesItsValue() {
        float[] q = fp16Values(HEAD, 7, 1);
        float[] keys = fp16Values(STRIDE, 8, 1);
        float[] values = fp16Values(STRIDE, 9, 3);
        float[] a = new float[HEAD];
        float[] b = new float[HEAD];
        LlamaCppAttention.oneByOne(q, 0, keys, values, KV_OFF, STRIDE, HEAD, 1, 0.125f, a, 0, new float[HEAD], new float[64]);
        LlamaCppAttention.tiled(q, 0, keys, values, KV_OFF, STRIDE, HEAD, 1, 0.125f, b, 0, new float[64], new float[64]);
        float[] v = java.util.Arrays.copyOfRange(values, KV_OFF, KV_OFF + HEAD);
        assertThat(a).containsExactly(v);
        assertThat(b).containsExactly(v);
    }

    /** fp16 products are exact in float; small integers keep every partial sum exact, so any order gives the true dot. */
    @Test
    void fp16DotIsExactOnSmallIntegers() {
        for (int n : new int[] {5, 64, 96, 128}) {
            float[] x = new float[n];
            float[] y = new float[n + 3];
            long expected = 0;
            for (int i = 0; i < n; i++) {
                x[i] = (i % 7) - 3;
                y[3 + i] = (i % 5) - 2;
                expected += (long) ((i % 7) - 3) * ((i % 5) - 2);
            }
            assertThat(LlamaCppAttention.dotF16(x, y, 3, n, new float[64])).as("n %d", n).isEqualTo((float) expected);
        }
    }

    /** The halving tree: 1 + 2^24 + (-2^24) ... depends on pairing; lanes l and l+8 meet first. */
    @Test
    void lanesAreSummedAsAHalvingTree() {
        float[] v = new float[16];
        v[0] = 1f;
        v[8] = (float) (1 << 24);
        v[1] = -(float) (1 << 24);
        // Tree: (v0 + v8) = 2^24 (1 is lost), + (v1 + v9) = -2^24 -> 0; left to right would give 1.
        assertThat(LlamaCppAttention.sumLanes(v, 0)).isZero();
    }

    @Test
    void pathFollowsTheBlockSize() {
        assertThat(LlamaCppAttention.tiledFor(63)).isFalse();
        assertThat(LlamaCppAttention.tiledFor(64)).isTrue();
    }
}
