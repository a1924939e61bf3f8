package org.quantbench.quant.awq;

import org.quantbench.quant.calib.Activations;
import org.quantbench.tensor.ComputePool;

import java.util.ArrayList;
import java.util.List;

/**
 * AWQ (4-bit, group 128, asymmetric) for one group of linears that share an input: channel statistics, the
 * {@link AwqScaleSearch} over alpha, then per linear {@link AwqLinearQuantizer} (clip search and codes) on the
 * scaled weights {@code W diag(s)}. The caller folds {@code 1/s} into the op that produces the shared input (a
 * norm's weight or a previous linear's rows): the quantized linears expect {@code X diag(1/s)}.
 */
public final class AwqQuantizer {
    /**
     * @param scales  the per-channel factors to fold ({@code 1/s}) into the previous op
     * @param search  the alpha search, its grid losses included (grid point 0 is RTN)
     * @param linears the quantized linears, in input order, each with its output error on the scaled inputs
     */
    public record GroupResult(float[] scales, AwqScaleSearch.Result search, List<AwqLinearQuantizer.Result> linears) {}

    private AwqQuantizer() {}

    /**
     * @param weights each {@code rows_l x cols} row-major, float32
     * @param clip    per weight: run the clip search (AutoAWQ: not for q and k)
     * @param x       calibration inputs, {@code tokens x cols} row-major
     */
    public static GroupResult quantizeGroup(List<float[]> weights, int cols, boolean[] clip, float[] x, int tokens,
                                            AwqOptions options, ComputePool pool) {
        return quantizeGroup(weights, clip, ArrayActivations.of(x, tokens, cols), options, pool);
    }

    /** As {@link #quantizeGroup(List, int, boolean[], float[], int, AwqOptions, ComputePool)} on captured activations. */
    public static GroupResult quantizeGroup(List<float[]> weights, boolean[] clip, Activations x, AwqOptions options,
                                            ComputePool pool) {
        if (clip.length != weights.size()) {
            throw new IllegalArgumentException(clip.length + " clip flags for " + weights.size() + " weights");
        }
        int cols = x.width();
        long tokens = x.rows();
        float[] meanAbs = ChannelStats.meanAbs(x);
        float[] gram = DenseGemm.gram(x, pool);
        AwqScaleSearch.Result search = AwqScaleSearch.search(weights, cols, meanAbs, gram, tokens, options, pool);
        float[] scaledGram = ChannelScaling.scaleGram(gram, search.scales());
        List<AwqLinearQuantizer.Result> linears = new ArrayList<>();
        for (int l = 0; l < weights.size(); l++) {
            float[] w = ChannelScaling.scaleColumns(weights.get(l), cols, search.scales());
            linears.add(AwqLinearQuantizer.quantize(w, w.length / cols, cols, scaledGram, tokens, clip[l], options, pool));
        }
        return new GroupResult(search.scales(), search, linears);
    }
}
