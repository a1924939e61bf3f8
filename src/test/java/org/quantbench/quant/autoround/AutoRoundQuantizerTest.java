package org.quantbench.quant.autoround;

import org.junit.jupiter.api.Test;
import org.quantbench.quant.awq.SyntheticLayer;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.quant.intq.SymmetricConvention;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

class AutoRoundQuantizerTest {
    private static final int SAMPLES = 8;
    private static final int TOKENS = 128;
    private static final int ROWS = 96;
    private static final int COLS = 192; // 128 + a ragged group of 64

    private static IntGroupedLinear rtn(float[] w, IntQuantizer quantizer) {
        return IntGroupedLinear.quantize(new WeightTensor("w", DType.F32, ROWS, COLS, MemorySegment.ofArray(w.clone())), quantizer, 128);
    }

    private static double outputMse(IntGroupedLinear q, float[] w, float[] x) {
        int n = SAMPLES * TOKENS;
        return SyntheticLayer.mse(SyntheticLayer.forward(q, x, n), SyntheticLayer.reference(w, ROWS, COLS, x, n));
    }

    private static AutoRoundQuantizer.Result run(float[] w, float[] x, AutoRoundOptions options) {
        try (ComputePool pool = new ComputePool(1)) { // 200 small steps: handing each to a second thread costs more
            return AutoRoundQuantizer.quantize(w, ROWS, COLS, x, SAMPLES, TOKENS, options, 42, pool);
        }
    }

    @Test
    void symmetricAutoRoundBeatsRoundToNearestOnAllCalibrationTokens() {
        float[] x = SyntheticLayer.inputs(SAMPLES * TOKENS, COLS, 11);
        float[] w = SyntheticLayer.weights(ROWS, COLS, 12);
        AutoRoundQuantizer.Result r = run(w, x, AutoRoundOptions.defaults(IntQuantizer.symmetric(4, SymmetricConvention.AUTO_ROUND), 128));
        assertThat(r.linear().format()).isEqualTo("W4A16-g128-sym-autoround");
        double rtn = outputMse(rtn(w, IntQuantizer.symmetric(4, SymmetricConvention.AUTO_ROUND)), w, x);
        double ar = outputMse(r.linear(), w, x);
        assertThat(r.bestLoss()).isLessThan(r.firstLoss());
        assertThat(r.bestIteration()).isPositive();
        assertThat(ar).as("AutoRound %s vs RTN %s", ar, rtn).isLessThan(0.9 * rtn);
    }

    @Test
    void asymmetricAutoRoundBeatsRoundToNearest() {
        float[] x = SyntheticLayer.inputs(SAMPLES * TOKENS, COLS, 13);
        float[] w = SyntheticLayer.weights(ROWS, COLS, 14);
        AutoRoundQuantizer.Result r = run(w, x, AutoRoundOptions.defaults(IntQuantizer.asymmetric(4), 128));
        assertThat(r.linear().format()).isEqualTo("W4A16-g128-asym");
        double rtn = outputMse(rtn(w, IntQuantizer.asymmetric(4)), w, x);
        double ar = outputMse(r.linear(), w, x);
        assertThat(ar).as("AutoRound %s vs RTN %s", ar, rtn).isLessThan(0.9 * rtn);
    }

    @Test
    void withoutStepsItIsRoundToNearestOfTheAutoRoundConvention() {
        float[] x = SyntheticLayer.inputs(SAMPLES * TOKENS, COLS, 15);
        float[] w = SyntheticLayer.weights(ROWS, COLS, 16);
        w[5] = 0.9f; // a positive extreme: negative scale
        IntGroupedLinear zero = run(w, x, new AutoRoundOptions(IntQuantizer.symmetric(4, SymmetricConvention.AUTO_ROUND), 128, 0, 0.005)).linear();
        IntGroupedLinear rtn = rtn(w, IntQuantizer.symmetric(4, SymmetricConvention.AUTO_ROUND));
        float[] a = new float[COLS];
        float[] b = new float[COLS];
        for (int r = 0; r < ROWS; r++) {
            zero.dequantizeRow(r, a, 0);
            rtn.dequantizeRow(r, b, 0);
            assertThat(a).as("row %d", r).isEqualTo(b);
        }
        assertThat(zero.scale(0, 0)).isNegative();
        IntQuantizer llmc = IntQuantizer.symmetric(4, SymmetricConvention.LLM_COMPRESSOR);
        IntGroupedLinear zeroLlmc = run(w, x, new AutoRoundOptions(llmc, 128, 0, 0.005)).linear();
        IntGroupedLinear rtnLlmc = rtn(w, llmc);
        for (int r = 0; r < ROWS; r++) {
            zeroLlmc.dequantizeRow(r, a, 0);
            rtnLlmc.dequantizeRow(r, b, 0);
            assertThat(a).as("llm-compressor convention, row %d", r).isEqualTo(b);
        }
    }

    @Test
    void llmCompressorConventionAlsoImproves() {
        float[] x = SyntheticLayer.inputs(SAMPLES * TOKENS, COLS, 17);
        float[] w = SyntheticLayer.weights(ROWS, COLS, 18);
        IntQuantizer llmc = IntQuantizer.symmetric(4, SymmetricConvention.LLM_COMPRESSOR);
        AutoRoundQuantizer.Result r = run(w, x, AutoRoundOptions.defaults(llmc, 128));
        assertThat(r.linear().format()).isEqualTo("W4A16-g128-sym-llmc");
        assertThat(outputMse(r.linear(), w, x)).isLessThan(0.9 * outputMse(rtn(w, llmc), w, x));
    }
}
