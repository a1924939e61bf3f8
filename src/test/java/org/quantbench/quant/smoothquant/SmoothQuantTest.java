package org.quantbench.quant.smoothquant;

import org.junit.jupiter.api.Test;
import org.quantbench.quant.awq.ChannelStats;
import org.quantbench.quant.awq.SyntheticLayer;
import org.quantbench.quant.intq.W8A8IntLinear;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmoothQuantTest {
    private static final int TOKENS = 512;
    private static final int COLS = 192;
    private static final int ROWS = 96;

    private static double meanSquare(double[] y) {
        double s = 0;
        for (double v : y) {
            s += v * v;
        }
        return s / y.length;
    }

    @Test
    void smoothedW8A8IsCloseToFloatAndBetterThanUnsmoothedOnOutlierChannels() {
        float[] x = SyntheticLayer.inputs(TOKENS, COLS, 21);
        float[] w = SyntheticLayer.weights(ROWS, COLS, 22);
        double[] want = SyntheticLayer.reference(w, ROWS, COLS, x, TOKENS);
        double signal = meanSquare(want);

        float[] ones = new float[COLS];
        java.util.Arrays.fill(ones, 1f);
        W8A8IntLinear plain = SmoothQuant.quantize(List.of(w), List.of("w"), COLS, ones).get(0);
        double plainMse = SyntheticLayer.mse(SyntheticLayer.forward(plain, x, TOKENS), want);

        float[] s = SmoothQuant.factors(ChannelStats.maxAbs(x, TOKENS, COLS), ChannelStats.columnMaxAbs(List.of(w), COLS), 0.5);
        W8A8IntLinear smooth = SmoothQuant.quantize(List.of(w), List.of("w"), COLS, s).get(0);
        double smoothMse = SyntheticLayer.mse(SyntheticLayer.forward(smooth, SyntheticLayer.divideChannels(x, COLS, s), TOKENS), want);

        assertThat(smoothMse / signal).as("relative output error with SmoothQuant").isLessThan(2e-4);
        assertThat(smoothMse).as("SmoothQuant %s vs plain W8A8 %s", smoothMse, plainMse).isLessThan(0.5 * plainMse);
        for (int j : SyntheticLayer.OUTLIERS) {
            assertThat(s[j]).as("outlier channel %d is scaled down", j).isGreaterThan(5f);
        }
    }

    @Test
    void factorsFollowTheFormulaAndLeaveDeadChannelsAlone() {
        float[] s = SmoothQuant.factors(new float[] {16f, 0f, 4f}, new float[] {0.25f, 1f, 0f}, 0.5);
        assertThat(s[0]).isEqualTo(8f); // sqrt(16) / sqrt(0.25)
        assertThat(s[1]).isEqualTo(1f);
        assertThat(s[2]).isEqualTo(1f);
        assertThat(SmoothQuant.factors(new float[] {9f}, new float[] {0.5f}, 0)[0]).isEqualTo(2f); // 1 / 0.5
        assertThatThrownBy(() -> SmoothQuant.factors(new float[1], new float[1], 1.0)).hasMessageContaining("[0, 1)");
    }
}
