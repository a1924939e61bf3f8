package org.quantbench.quant.awq;

import org.quantbench.quant.calib.Activations;

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
        return meanAbs(ArrayActivations.of(x, tokens, cols));
    }

    /** {@code mean |x[., j]|} per channel j over every token of every sample. */
    public static float[] meanAbs(Activations a) {
        int cols = a.width();
        double[] sum = new double[cols];
        eachSample(a, x -> {
            for (int t = 0; t < x.length; t += cols) {
                for (int j = 0; j < cols; j++) {
                    sum[j] += Math.abs(x[t + j]);
                }
            }
        });
        float[] m = new float[cols];
        for (int j = 0; j < cols; j++) {
            m[j] = (float) (sum[j] / a.rows());
        }
        return m;
    }

    /** {@code max_t |x[t, j]|} per channel j. */
    public static float[] maxAbs(float[] x, int tokens, int cols) {
        return maxAbs(ArrayActivations.of(x, tokens, cols));
    }

    /** {@code max |x[., j]|} per channel j over every token of every sample. */
    public static float[] maxAbs(Activations a) {
        int cols = a.width();
        float[] m = new float[cols];
        eachSample(a, x -> {
            for (int t = 0; t < x.length; t += cols) {
                for (int j = 0; j < cols; j++) {
                    m[j] = Math.max(m[j], Math.abs(x[t + j]));
                }
            }
        });
        return m;
    }

    /** Reads each sample ({@code tokens x width}) into one buffer, checks it is finite, and hands it over. */
    private static void eachSample(Activations a, java.util.function.Consumer<float[]> body) {
        float[] x = new float[a.tokens() * a.width()];
        for (int s = 0; s < a.samples(); s++) {
            a.read(s, x, 0);
            checkFinite(x, a.tokens(), a.width(), s);
            body.accept(x);
        }
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
    public static void checkFinite(float[] x, int rows, int cols) {
        checkFinite(x, rows, cols, -1);
    }

    private static void checkFinite(float[] x, int rows, int cols, int sample) {
        if (rows < 1 || cols < 1 || (long) rows * cols > x.length) {
            throw new IllegalArgumentException(x.length + " values are not " + rows + " rows x " + cols + " channels");
        }
        for (int i = 0; i < rows * cols; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException((sample < 0 ? "" : "sample " + sample + " ") + "value [" + i / cols + ", "
                        + i % cols + "] is " + x[i] + "; calibration needs finite values");
            }
        }
    }
}
