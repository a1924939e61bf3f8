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
}
