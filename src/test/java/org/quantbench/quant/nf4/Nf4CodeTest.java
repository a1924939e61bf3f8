package org.quantbench.quant.nf4;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Nf4CodeTest {
    /** The values as the reference notes print them (7 decimals). */
    private static final double[] NOTES = {-1, -0.6961928, -0.5250731, -0.3949175, -0.2844414, -0.1847734, -0.0910500, 0,
        0.0795803, 0.1609302, 0.2461123, 0.3379152, 0.4407098, 0.5626170, 0.7229568, 1};

    @Test
    void theSixteenValues() {
        for (int k = 0; k < 16; k++) {
            assertThat((double) Nf4Code.value(k)).as("code %d", k).isCloseTo(NOTES[k], within(5.1e-8));
            if (k > 0) {
                assertThat(Nf4Code.value(k)).isGreaterThan(Nf4Code.value(k - 1));
            }
        }
        assertThat(Nf4Code.value(Nf4Code.ZERO)).isZero();
        assertThat(Nf4Code.value(0)).isEqualTo(-1f);
        assertThat(Nf4Code.value(15)).isEqualTo(1f);
        // bitsandbytes' float32 constants, to the last bit, for two values the notes round
        assertThat(Nf4Code.value(1)).isEqualTo((float) -0.6961928009986877);
        assertThat(Nf4Code.value(14)).isEqualTo((float) 0.7229568362236023);
        assertThat(Nf4Code.values()).hasSize(16).startsWith(-1f).endsWith(1f);
    }

    @Test
    void everyValueIsItsOwnNearestCode() {
        for (int k = 0; k < 16; k++) {
            assertThat(Nf4Code.nearest(Nf4Code.value(k))).isEqualTo(k);
        }
    }

    @Test
    void midpointsGoToTheLowerCodeAndJustAboveToTheUpper() {
        for (int k = 0; k < 15; k++) {
            float mid = Nf4Code.midpoint(k);
            assertThat(mid).isEqualTo((float) (((double) Nf4Code.value(k) + Nf4Code.value(k + 1)) / 2));
            assertThat(Nf4Code.nearest(mid)).as("midpoint %d", k).isEqualTo(k);
            assertThat(Nf4Code.nearest(Math.nextUp(mid))).isEqualTo(k + 1);
            assertThat(Nf4Code.nearest(Math.nextDown(mid))).isEqualTo(k);
        }
    }

    @Test
    void nearestAgreesWithABruteForceSearch() {
        Random r = new Random(1);
        for (int n = 0; n < 20_000; n++) {
            float v = r.nextFloat() * 2 - 1;
            int best = 0;
            for (int k = 1; k < 16; k++) {
                if (Math.abs(v - (double) Nf4Code.value(k)) < Math.abs(v - (double) Nf4Code.value(best))) {
                    best = k;
                }
            }
            assertThat(Nf4Code.nearest(v)).as("%s", v).isEqualTo(best);
        }
    }
}
