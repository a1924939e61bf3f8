package org.quantbench.quant.awq;

import org.quantbench.engine.Linear;
import org.quantbench.tensor.ComputePool;

import java.util.Random;

/**
 * A synthetic linear layer for the calibration tests: Gaussian weights and activations like an LLM's, correlated
 * across channels (16 shared latent factors plus noise), with per-channel magnitudes spread log-normally and a few
 * outlier channels 25x larger.
 */
public final class SyntheticLayer {
    /** The outlier channels (those below {@code cols}). */
    public static final int[] OUTLIERS = {3, 50, 111, 170};

    private SyntheticLayer() {}

    public static float[] inputs(int tokens, int cols, long seed) {
        Random r = new Random(seed);
        int latent = 16;
        float[] mix = gaussian(latent * cols, r, 1.0 / Math.sqrt(latent));
        float[] gain = new float[cols];
        for (int j = 0; j < cols; j++) {
            gain[j] = (float) Math.exp(0.5 * r.nextGaussian());
        }
        for (int j : OUTLIERS) {
            if (j < cols) {
                gain[j] *= 25f;
            }
        }
        float[] x = new float[tokens * cols];
        double[] z = new double[latent];
        for (int t = 0; t < tokens; t++) {
            for (int k = 0; k < latent; k++) {
                z[k] = r.nextGaussian();
            }
            for (int j = 0; j < cols; j++) {
                double v = 0.3 * r.nextGaussian();
                for (int k = 0; k < latent; k++) {
                    v += z[k] * mix[k * cols + j];
                }
                x[t * cols + j] = (float) (v * gain[j]);
            }
        }
        return x;
    }

    public static float[] weights(int rows, int cols, long seed) {
        return gaussian(rows * cols, new Random(seed), 0.05);
    }

    private static float[] gaussian(int n, Random r, double sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * sigma);
        }
        return v;
    }

    /** {@code x W^T} in double: {@code tokens x rows}. */
    public static double[] reference(float[] w, int rows, int cols, float[] x, int tokens) {
        double[] y = new double[tokens * rows];
        for (int t = 0; t < tokens; t++) {
            for (int o = 0; o < rows; o++) {
                double s = 0;
                for (int i = 0; i < cols; i++) {
                    s += (double) w[o * cols + i] * x[t * cols + i];
                }
                y[t * rows + o] = s;
            }
        }
        return y;
    }

    /** Runs a layer over every token. */
    public static float[] forward(Linear lin, float[] x, int tokens) {
        float[] out = new float[tokens * lin.outFeatures()];
        try (ComputePool pool = new ComputePool(2)) {
            lin.forward(x, out, tokens, pool);
        }
        return out;
    }

    /** Mean squared difference. */
    public static double mse(float[] got, double[] want) {
        double s = 0;
        for (int i = 0; i < want.length; i++) {
            double d = got[i] - want[i];
            s += d * d;
        }
        return s / want.length;
    }

    /** Every input token divided channel-wise by {@code s}: what a linear sees once {@code 1/s} is folded upstream. */
    public static float[] divideChannels(float[] x, int cols, float[] s) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / s[i % cols];
        }
        return out;
    }
}
