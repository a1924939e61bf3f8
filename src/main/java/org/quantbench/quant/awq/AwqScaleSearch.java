package org.quantbench.quant.awq;

import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.tensor.ComputePool;

import java.util.List;

/**
 * AWQ's grid search for the per-input-channel scales of a group of linears that share one input (q/k/v after the
 * attention norm, gate/up after the FFN norm, o after v, down after up). For each alpha of the grid,
 * {@code s = meanAbs^alpha} (floored at 1e-4, then divided by {@code sqrt(max s * min s)}); each weight is quantized
 * as {@code W diag(s)} (RTN, asymmetric groups) and divided back, and the candidate is scored by the mean squared
 * error of the group's concatenated outputs over all calibration tokens, {@code sum_l ||X (W'_l - W_l)^T||^2 /
 * (tokens * sum rows_l)}, computed from the Gram matrix ({@link OutputError}). Alpha 0 gives {@code s = 1}, plain
 * RTN, so the chosen loss is never above RTN's.
 */
public final class AwqScaleSearch {
    private static final float SCALE_FLOOR = 1e-4f;

    /**
     * @param scales   the chosen {@code s}: fold {@code diag(s)} into the weights and {@code 1/s} into the op before them
     * @param gridLoss the loss of every grid point, in grid order
     */
    public record Result(float[] scales, double alpha, double loss, double[] gridLoss) {
        /** The loss at alpha 0: round-to-nearest without scaling. */
        public double rtnLoss() { return gridLoss[0]; }
    }

    private AwqScaleSearch() {}

    /** AWQ's scales for one alpha. */
    public static float[] scales(float[] meanAbs, double alpha) {
        float[] s = new float[meanAbs.length];
        float max = 0f;
        float min = Float.MAX_VALUE;
        for (int j = 0; j < s.length; j++) {
            s[j] = Math.max((float) Math.pow(meanAbs[j], alpha), SCALE_FLOOR);
            max = Math.max(max, s[j]);
            min = Math.min(min, s[j]);
        }
        float norm = (float) Math.sqrt((double) max * min);
        for (int j = 0; j < s.length; j++) {
            s[j] /= norm;
        }
        return s;
    }

    /**
     * @param weights each {@code rows_l x cols} row-major
     * @param meanAbs {@link ChannelStats#meanAbs} of the shared input
     * @param gram    {@link DenseGemm#gram} of the shared input
     * @param tokens  how many tokens the statistics cover
     */
    public static Result search(List<float[]> weights, int cols, float[] meanAbs, float[] gram, long tokens,
                                AwqOptions options, ComputePool pool) {
        if (meanAbs.length != cols || gram.length != cols * cols) {
            throw new IllegalArgumentException("statistics for " + meanAbs.length + " channels, Gram of " + gram.length
                    + " values, weights of " + cols + " columns");
        }
        long totalRows = 0;
        for (float[] w : weights) {
            ChannelStats.checkFinite(w, w.length / cols, cols);
            totalRows += w.length / cols;
        }
        ClippedRounding rounding = new ClippedRounding(IntQuantizer.asymmetric(options.bits()));
        double[] gridLoss = new double[options.gridPoints()];
        int best = 0;
        for (int i = 0; i < gridLoss.length; i++) {
            float[] s = scales(meanAbs, options.alpha(i));
            double sum = 0;
            for (float[] w : weights) {
                float[] e = scaledError(w, w.length / cols, cols, s, options.groupColumns(cols), rounding);
                sum += OutputError.sumSquares(e, w.length / cols, cols, gram, pool);
            }
            gridLoss[i] = sum / ((double) tokens * totalRows);
            if (gridLoss[i] < gridLoss[best]) {
                best = i;
            }
        }
        return new Result(scales(meanAbs, options.alpha(best)), options.alpha(best), gridLoss[best], gridLoss);
    }

    /** {@code Q(W diag(s)) diag(1/s) - W}, RTN per group of {@code groupSize} columns (the last may be shorter). */
    static float[] scaledError(float[] w, int rows, int cols, float[] s, int groupSize, ClippedRounding rounding) {
        float[] row = new float[cols];
        float[] dq = new float[cols];
        float[] e = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                row[j] = w[r * cols + j] * s[j];
            }
            for (int c0 = 0; c0 < cols; c0 += groupSize) {
                rounding.round(row, c0, Math.min(groupSize, cols - c0), 1f, dq, c0, null, 0);
            }
            for (int j = 0; j < cols; j++) {
                e[r * cols + j] = dq[j] / s[j] - w[r * cols + j];
            }
        }
        return e;
    }
}
