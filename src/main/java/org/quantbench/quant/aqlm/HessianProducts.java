package org.quantbench.quant.aqlm;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.tensor.ComputePool;

/**
 * Products {@code A H} of a {@code rows x cols} matrix with the symmetric {@code cols x cols} Hessian, the one
 * expensive step of every AQLM round (rows * cols^2 multiply-adds). They run on the engine's blocked GEMM, with H
 * as the weight matrix and the rows of A as the tokens: {@code out[t][c] = sum_i H[c][i] A[t][i]}.
 */
final class HessianProducts {
    private final float[] h;
    private final int cols;
    private final ComputePool pool;

    HessianProducts(float[] h, int cols, ComputePool pool) {
        this.h = h;
        this.cols = cols;
        this.pool = pool;
    }

    float[] hessian() { return h; }

    /** {@code out = a H} for {@code a} of {@code rows x cols}. */
    void times(float[] a, int rows, float[] out) {
        TiledMatmul.forward(cols, cols, (row, col, len, dst, off) -> System.arraycopy(h, row * cols + col, dst, off, len),
                a, out, rows, pool);
    }
}
