package org.quantbench.tensor;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class MatmulKernelsTest {

    /** dot4 is four dots bit for bit, on lengths below, at and between vector multiples, and at unaligned offsets. */
    @Test
    void dot4IsFourDotsBitForBit() {
        SplittableRandom random = new SplittableRandom(11);
        float[] w = new float[5000];
        float[] x = new float[1200];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-2, 2);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-2, 2);
        }
        float[] out = new float[6];
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 33, 100, 576, 1001}) {
            int xOff = n % 5;
            int[] offs = {3, 1200 + n % 7, 2400, 3700 + n % 3};
            MatmulKernels.dot4(x, xOff, w, offs[0], offs[1], offs[2], offs[3], n, out, 1);
            for (int r = 0; r < 4; r++) {
                float want = MatmulKernels.dot(w, offs[r], x, xOff, n);
                assertThat(Float.floatToRawIntBits(out[1 + r])).as("n %d, dot %d", n, r).isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }

    /** A whole tile is the canonical dot of every (row, token), on ragged rows, tokens and lengths, with strides and offsets. */
    @Test
    void wholeTileIsDotsBitForBit() {
        SplittableRandom random = new SplittableRandom(12);
        int stride = 800;
        float[] w = new float[13 * stride + 5];
        float[] x = new float[11 * stride + 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-2, 2);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-2, 2);
        }
        for (int len : new int[] {1, 7, 16, 33, 576, 777}) {
            for (int rows : new int[] {1, 4, 8, 13}) {
                for (int tokens : new int[] {1, 4, 11}) {
                    int outStride = rows + 3;
                    float[] out = new float[tokens * outStride + 2];
                    MatmulKernels.tileWhole(w, 5, stride, rows, x, 3, stride, len, tokens, out, outStride, 2);
                    for (int t = 0; t < tokens; t++) {
                        for (int r = 0; r < rows; r++) {
                            float want = MatmulKernels.dot(w, 5 + r * stride, x, 3 + t * stride, len);
                            assertThat(Float.floatToRawIntBits(out[t * outStride + 2 + r]))
                                    .as("len %d, rows %d, tokens %d: (%d, %d)", len, rows, tokens, r, t)
                                    .isEqualTo(Float.floatToRawIntBits(want));
                        }
                    }
                }
            }
        }
    }
}
