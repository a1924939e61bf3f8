package org.quantbench.quant.aqlm;

import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.ComputePool;

/** The layer objective {@code tr((W - What) H (W - What)^T)} of any quantized linear, with What from dequantizeRow. */
final class OutputError {
    private OutputError() {}

    static double of(QuantizedLinear q, float[] w, float[] h, ComputePool pool) {
        int rows = q.outFeatures();
        int cols = q.inFeatures();
        float[] e = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            q.dequantizeRow(r, e, r * cols);
        }
        for (int i = 0; i < e.length; i++) {
            e[i] -= w[i];
        }
        float[] eh = new float[e.length];
        new HessianProducts(h, cols, pool).times(e, rows, eh);
        double loss = 0;
        for (int i = 0; i < e.length; i++) {
            loss += (double) e[i] * eh[i];
        }
        return loss;
    }
}
