package org.quantbench.quant.smoothquant;

import org.quantbench.quant.awq.ChannelScaling;
import org.quantbench.quant.intq.W8A8IntLinear;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * SmoothQuant: per input channel j, {@code s_j = max|X_j|^alpha / max|W_{:,j}|^(1-alpha)} over the calibration tokens
 * and the rows of every linear that reads X, which moves activation outliers into the weights: the linears take
 * {@code W diag(s)} and the op before them {@code 1/s}, so per-token int8 activations lose less to a few large
 * channels. As in the SmoothQuant reference code both maxima are floored at 1e-5 and so is {@code s}; a channel whose
 * activations or weights are all zero keeps {@code s = 1} (scaling it would only amplify whatever reaches it later).
 */
public final class SmoothQuant {
    private static final float FLOOR = 1e-5f;

    private SmoothQuant() {}

    /**
     * @param activationMax {@code max |X_j|} per channel
     * @param weightMax     {@code max |W_{:,j}|} per channel over the linears that share the input
     * @param alpha         migration strength in [0, 1)
     */
    public static float[] factors(float[] activationMax, float[] weightMax, double alpha) {
        if (activationMax.length != weightMax.length) {
            throw new IllegalArgumentException(activationMax.length + " activation maxima for " + weightMax.length + " weight columns");
        }
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("SmoothQuant strength must be in [0, 1), got " + alpha);
        }
        float[] s = new float[activationMax.length];
        for (int j = 0; j < s.length; j++) {
            if (activationMax[j] == 0f || weightMax[j] == 0f) {
                s[j] = 1f;
                continue;
            }
            double a = Math.max(activationMax[j], FLOOR);
            double w = Math.max(weightMax[j], FLOOR);
            s[j] = (float) Math.max(Math.pow(a, alpha) / Math.pow(w, 1 - alpha), FLOOR);
        }
        return s;
    }

    /** W8A8-INT linears of {@code W diag(s)} for each weight ({@code rows_l x cols}); their inputs must be {@code X diag(1/s)}. */
    public static List<W8A8IntLinear> quantize(List<float[]> weights, List<String> names, int cols, float[] s) {
        List<W8A8IntLinear> out = new ArrayList<>();
        for (int l = 0; l < weights.size(); l++) {
            out.add(w8a8(names.get(l), ChannelScaling.scaleColumns(weights.get(l), cols, s), cols));
        }
        return out;
    }

    /** {@link W8A8IntLinear} of float weights ({@code rows x cols}) whose smoothing is already folded in. */
    public static W8A8IntLinear w8a8(String name, float[] w, int cols) {
        return W8A8IntLinear.quantize(new WeightTensor(name, DType.F32, w.length / cols, cols, MemorySegment.ofArray(w)), null);
    }
}
