package org.quantbench.quant.autoround;

import org.quantbench.quant.awq.ChannelStats;
import org.quantbench.quant.awq.DenseGemm;
import org.quantbench.quant.calib.Activations;
import org.quantbench.tensor.ComputePool;

/**
 * The Gram matrix {@code X_s^T X_s} ({@code cols x cols}) of each calibration sample, computed once per input and
 * shared by the linears that read it (q/k/v, gate/up). With it an AutoRound step on a sample is one GEMM,
 * {@code E H_s} ({@code rows x cols x cols}), giving both the loss {@code tr(E H_s E^T)} and the gradient
 * {@code 2 E H_s}, instead of two GEMMs of {@code tokens x cols x rows}: cheaper whenever {@code cols < 2 tokens}.
 * Memory: {@code samples x cols^2} floats (32 x 576^2: 42 MB).
 */
public final class SampleGrams {
    private final float[][] grams;
    private final int cols;

    private SampleGrams(float[][] grams, int cols) {
        this.grams = grams;
        this.cols = cols;
    }

    /** Whether the Gram form of a step is cheaper than the direct one for inputs like {@code x}. */
    public static boolean pays(Activations x) {
        return x.width() < 2 * x.tokens();
    }

    public static SampleGrams of(Activations x, ComputePool pool) {
        float[][] g = new float[x.samples()][];
        float[] sample = new float[x.tokens() * x.width()];
        for (int s = 0; s < g.length; s++) {
            x.read(s, sample, 0);
            try {
                ChannelStats.checkFinite(sample, x.tokens(), x.width());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("calibration sample " + s + ": " + e.getMessage(), e);
            }
            g[s] = DenseGemm.gram(sample, x.tokens(), x.width(), pool);
        }
        return new SampleGrams(g, x.width());
    }

    public int cols() { return cols; }

    public int samples() { return grams.length; }

    float[] sample(int s) { return grams[s]; }
}
