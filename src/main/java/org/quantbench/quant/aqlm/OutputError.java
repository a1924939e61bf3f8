package org.quantbench.quant.aqlm;

import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.ComputePool;

/**
 * The layer objective {@code tr((W - What) H (W - What)^T)} of any quantized linear (What from dequantizeRow) and
 * the same for What = 0, {@code tr(W H W^T)}, which it is reported relative to.
 */
final class OutputError {
    private OutputError() {}

    /** {@code {loss, loss / tr(W H W^T)}} (relative 0 when the outputs are all zero). */
    static double[] of(QuantizedLinear q, float[] w, float[] h, ComputePool pool) {
        int rows = q.outFeatures();
        int cols = q.inFeatures();
        float[] e = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            q.dequantizeRow(r, e, r * cols);
        }
        for (int i = 0; i < e.length; i++) {
            e[i] -= w[i];
        }
        HessianProducts hp = new HessianProducts(h, cols, pool);
        double loss = quadratic(e, rows, hp);
        double total = quadratic(w, rows, hp);
        return new double[] {loss, total > 0 ? loss / total : 0};
    }

    private static double quadratic(float[] a, int rows, HessianProducts hp) {
        float[] ah = new float[a.length];
        hp.times(a, rows, ah);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * ah[i];
        }
        return sum;
    }
}
