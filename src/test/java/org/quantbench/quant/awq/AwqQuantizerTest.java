package org.quantbench.quant.awq;

import org.junit.jupiter.api.Test;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AwqQuantizerTest {
    private static final int TOKENS = 1024;
    private static final int COLS = 192; // 128 + a ragged group of 64
    private static final int[] ROWS = {96, 64};

    private static double rtnOutputMse(float[] w, int rows, float[] x) {
        IntGroupedLinear rtn = IntGroupedLinear.quantize(new WeightTensor("w", DType.F32, rows, COLS, MemorySegment.ofArray(w.clone())),
                IntQuantizer.asymmetric(4), 128);
        return SyntheticLayer.mse(SyntheticLayer.forward(rtn, x, TOKENS), SyntheticLayer.reference(w, rows, COLS, x, TOKENS));
    }

    @Test
    void awqOutputErrorIsBelowRoundToNearestOnCorrelatedInputsWithOutliers() {
        float[] x = SyntheticLayer.inputs(TOKENS, COLS, 1);
        List<float[]> weights = List.of(SyntheticLayer.weights(ROWS[0], COLS, 2), SyntheticLayer.weights(ROWS[1], COLS, 3));
        AwqQuantizer.GroupResult result;
        try (ComputePool pool = new ComputePool(2)) {
            result = AwqQuantizer.quantizeGroup(weights, COLS, new boolean[] {false, true}, x, TOKENS, AwqOptions.DEFAULT, pool);
        }
        AwqScaleSearch.Result search = result.search();
        assertThat(search.gridLoss()).hasSize(20);
        assertThat(search.loss()).isLessThanOrEqualTo(search.rtnLoss());
        assertThat(search.alpha()).as("outlier channels call for scaling").isGreaterThan(0);

        float[] scaledX = SyntheticLayer.divideChannels(x, COLS, result.scales());
        double awqSum = 0, rtnSum = 0;
        for (int l = 0; l < 2; l++) {
            IntGroupedLinear q = result.linears().get(l).linear();
            assertThat(q.format()).isEqualTo("W4A16-g128-asym");
            double awq = SyntheticLayer.mse(SyntheticLayer.forward(q, scaledX, TOKENS),
                    SyntheticLayer.reference(weights.get(l), ROWS[l], COLS, x, TOKENS));
            assertThat(result.linears().get(l).outputMse()).as("Gram-based error of linear %d", l).isCloseTo(awq, within(1e-3 * awq));
            double rtn = rtnOutputMse(weights.get(l), ROWS[l], x);
            assertThat(awq).as("linear %d: AWQ %s vs RTN %s", l, awq, rtn).isLessThan(rtn);
            awqSum += awq * ROWS[l];
            rtnSum += rtn * ROWS[l];
        }
        // The search's alpha-0 loss is RTN's output error over both linears, scored without running the tokens.
        assertThat(search.rtnLoss()).isCloseTo(rtnSum / (ROWS[0] + ROWS[1]), within(1e-3 * search.rtnLoss()));
        assertThat(awqSum).isLessThan(0.8 * rtnSum);
    }

    @Test
    void outputErrorFromTheGramMatrixEqualsTheDirectSum() {
        int tokens = 300, cols = 50, rows = 7;
        float[] x = SyntheticLayer.inputs(tokens, cols, 4);
        float[] e = SyntheticLayer.weights(rows, cols, 5);
        double direct = 0;
        for (double v : SyntheticLayer.reference(e, rows, cols, x, tokens)) {
            direct += v * v;
        }
        try (ComputePool pool = new ComputePool(2)) {
            assertThat(OutputError.sumSquares(e, rows, cols, DenseGemm.gram(x, tokens, cols, pool), pool)).isCloseTo(direct, within(1e-4 * direct));
        }
    }

    @Test
    void foldedScalesKeepTheFloatFunction() {
        int tokens = 20, cols = 24, rows = 5;
        float[] x = SyntheticLayer.inputs(tokens, cols, 6);
        float[] w = SyntheticLayer.weights(rows, cols, 7);
        float[] s = AwqScaleSearch.scales(ChannelStats.meanAbs(x, tokens, cols), 0.5);
        double[] ref = SyntheticLayer.reference(w, rows, cols, x, tokens);
        double[] folded = SyntheticLayer.reference(ChannelScaling.scaleColumns(w, cols, s), rows, cols,
                SyntheticLayer.divideChannels(x, cols, s), tokens);
        for (int i = 0; i < ref.length; i++) {
            assertThat(folded[i]).isCloseTo(ref[i], within(1e-5 * (1 + Math.abs(ref[i]))));
        }
        float max = 0, min = Float.MAX_VALUE;
        for (float v : s) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        assertThat((double) max * min).as("normalised by sqrt(max * min)").isCloseTo(1.0, within(1e-5));
    }

    @Test
    void nonFiniteActivationsAreAClearError() {
        float[] x = SyntheticLayer.inputs(8, 16, 8);
        x[3 * 16 + 5] = Float.NaN;
        try (ComputePool pool = new ComputePool(1)) {
            assertThatThrownBy(() -> AwqQuantizer.quantizeGroup(List.of(SyntheticLayer.weights(4, 16, 9)), 16, new boolean[] {true},
                    x, 8, AwqOptions.DEFAULT, pool))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 5] is NaN");
        }
    }
}
