package org.quantbench.quant.awq;

import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;

/**
 * The output error of a weight error {@code E = W_q - W} ({@code rows x cols}) on calibration inputs X, from their
 * Gram matrix {@code H = X^T X}: {@code ||X E^T||^2 = sum_r e_r H e_r^T}. One GEMM of {@code rows x cols x cols}
 * instead of {@code tokens x cols x rows}, and exact up to float rounding, so AWQ's searches score every candidate on
 * all calibration tokens.
 */
public final class OutputError {
    private OutputError() {}

    /** {@code tr(E H E^T)}, the summed squared output error over all tokens and rows. */
    public static double sumSquares(float[] e, int rows, int cols, float[] gram, ComputePool pool) {
        float[] eh = new float[rows * cols];
        DenseGemm.multiply(e, rows, cols, gram, cols, eh, pool);
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += MatmulKernels.dot(e, r * cols, eh, r * cols, cols);
        }
        return sum;
    }

    /** {@code W_q - W}, element by element. */
    public static float[] difference(float[] wq, float[] w) {
        if (wq.length != w.length) {
            throw new IllegalArgumentException("weights of " + wq.length + " and " + w.length + " elements");
        }
        float[] e = new float[w.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = wq[i] - w[i];
        }
        return e;
    }
}
