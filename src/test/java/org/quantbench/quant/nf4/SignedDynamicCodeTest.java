package org.quantbench.quant.nf4;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SignedDynamicCodeTest {

    @Test
    void shapeOfTheTable() {
        float[] v = SignedDynamicCode.values();
        assertThat(v).hasSize(256);
        for (int k = 1; k < 256; k++) {
            assertThat(v[k]).isGreaterThan(v[k - 1]);
        }
        assertThat(v[SignedDynamicCode.ZERO]).isZero();
        assertThat(v[255]).isEqualTo(1f);
        assertThat(v[0]).isEqualTo(-0.99296875f); // -(mean of the last two of 65 boundaries over [0.1, 1])
        assertThat(v[254]).isEqualTo(0.99296875f);
        for (int k = 1; k < 127; k++) {
            assertThat(v[SignedDynamicCode.ZERO - k]).isEqualTo(-v[SignedDynamicCode.ZERO + k]);
        }
        // decade i holds 2^i positive values within [0.1 * 10^(i-6), 10^(i-6)]
        for (int i = 0; i < 7; i++) {
            double lo = 0.1 * Math.pow(10, i - 6);
            double hi = Math.pow(10, i - 6);
            int count = 0;
            for (float x : v) {
                if (x > lo && x < hi) {
                    count++;
                }
            }
            assertThat(count).as("decade %d", i).isEqualTo(1 << i);
        }
        assertThat(v[128]).isEqualTo((float) 5.5e-7); // decade 0: one mean, (0.1 + 1)/2 * 1e-6
    }

    @Test
    void nearestCode() {
        float[] v = SignedDynamicCode.values();
        for (int k = 0; k < 256; k++) {
            assertThat(SignedDynamicCode.nearest(v[k])).isEqualTo(k);
        }
        assertThat(SignedDynamicCode.nearest(-5f)).isZero();
        assertThat(SignedDynamicCode.nearest(5f)).isEqualTo(255);
        // an exact tie between two neighbours goes to the lower code
        float tie = (v[200] + v[201]) / 2f;
        if ((double) tie - v[200] == (double) v[201] - tie) {
            assertThat(SignedDynamicCode.nearest(tie)).isEqualTo(200);
        }
        Random r = new Random(2);
        for (int n = 0; n < 20_000; n++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, -r.nextInt(7)));
            int best = 0;
            for (int k = 1; k < 256; k++) {
                if (Math.abs(x - (double) v[k]) < Math.abs(x - (double) v[best])) {
                    best = k;
                }
            }
            assertThat(SignedDynamicCode.nearest(x)).as("%s", x).isEqualTo(best);
        }
    }
}
