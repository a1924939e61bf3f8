package org.quantbench.quant.awq;

/**
 * Moving per-channel factors {@code s} between an op and the linears after it without changing the float function:
 * the consumers' weights take {@code W diag(s)} ({@link #scaleColumns}), the producer's output takes {@code 1/s}
 * (a norm's weight via {@link #divide}, a previous linear's rows via {@link #divideRows}), and the consumers' inputs
 * change from X to {@code X diag(1/s)}, whose Gram matrix is {@link #scaleGram}. Inputs are not modified.
 */
public final class ChannelScaling {
    private ChannelScaling() {}

    /** {@code W diag(s)}: column j times {@code s[j]}. */
    public static float[] scaleColumns(float[] w, int cols, float[] s) {
        check(cols, s);
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] * s[i % cols];
        }
        return out;
    }

    /** {@code diag(1/s) W}: row r divided by {@code s[r]}. */
    public static float[] divideRows(float[] w, int cols, float[] s) {
        if ((long) s.length * cols != w.length) {
            throw new IllegalArgumentException(s.length + " factors for " + w.length / cols + " rows");
        }
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] / s[i / cols];
        }
        return out;
    }

    /** {@code v / s}, element by element (a norm's weight vector). */
    public static float[] divide(float[] v, float[] s) {
        check(v.length, s);
        float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j] / s[j];
        }
        return out;
    }

    /** The Gram matrix of {@code X diag(1/s)}: {@code H[i][j] / (s[i] s[j])}. */
    public static float[] scaleGram(float[] gram, float[] s) {
        int n = s.length;
        if ((long) n * n != gram.length) {
            throw new IllegalArgumentException(n + " factors for a Gram matrix of " + gram.length + " values");
        }
        float[] out = new float[gram.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = gram[i * n + j] / (s[i] * s[j]);
            }
        }
        return out;
    }

    private static void check(int cols, float[] s) {
        if (s.length != cols) {
            throw new IllegalArgumentException(s.length + " factors for " + cols + " channels");
        }
        for (int j = 0; j < cols; j++) {
            if (!(s[j] > 0) || !Float.isFinite(s[j])) {
                throw new IllegalArgumentException("channel factor " + j + " is " + s[j] + "; it must be finite and > 0");
            }
        }
    }
}
