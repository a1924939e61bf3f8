package org.quantbench.quant.awq;

import java.util.List;

/**
 * Per-input-channel statistics of calibration activations ({@code tokens x cols}, row-major), the inputs of AWQ's
 * scales ({@link #meanAbs}) and SmoothQuant's ({@link #maxAbs}). A NaN or infinite value is an
 * IllegalArgumentException naming its row and channel: every scale after it would be meaningless.
 */
public final class ChannelStats {
    private ChannelStats() {}

    /** {@code mean_t |x[t, j]|} per channel j. */
    public static float[] meanAbs(float[] x, int tokens, int cols) {
        checkFinite(x, tokens, cols);
        double[] sum = new double[cols];
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < cols; j++) {
                sum[j] += Math.abs(x[t * cols + j]);
            }
        }
        float[] m = new float[cols];
        for (int j = 0; j < cols; j++) {
            m[j] = (float) (sum[j] / tokens);
        }
        return m;
    }

    /** {@code max_t |x[t, j]|} per channel j. */
    public static float[] maxAbs(float[] x, int tokens, int cols) {
        checkFinite(x, tokens, cols);
        float[] m = new float[cols];
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < cols; j++) {
                m[j] = Math.max(m[j], Math.abs(x[t * cols + j]));
            }
        }
        return m;
    }

    /** {@code max_r |w[r, j]|} per column j over the rows of every matrix (each {@code rows_i x cols}). */
    public static float[] columnMaxAbs(List<float[]> weights, int cols) {
        float[] m = new float[cols];
        for (float[] w : weights) {
            if (w.length % cols != 0) {
                throw new IllegalArgumentException("a weight of " + w.length + " elements is not a multiple of " + cols + " columns");
            }
            float[] wm = maxAbs(w, w.length / cols, cols);
            for (int j = 0; j < cols; j++) {
                m[j] = Math.max(m[j], wm[j]);
            }
        }
        return m;
    }

    /** Rejects a wrong length or any NaN or infinite value, naming where it is. */
    public static void checkFinite(float[] x, int tokens, int cols) {
        if (tokens < 1 || cols < 1 || (long) tokens * cols != x.length) {
            throw new IllegalArgumentException(x.length + " values are not " + tokens + " rows x " + cols + " channels");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("value [" + i / cols + ", " + i % cols + "] is " + x[i]
                        + "; calibration needs finite values");
            }
        }
    }
}
