package org.quantbench.quant.calib;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.VectorSupport;

/**
 * A linear's weights as the pipeline multiplies them: widened to float once per layer and stored transposed
 * ({@code [in][out]}, out padded to the tile width) so the GEMM {@code Y = X W^T} over a calibration sample is an
 * outer-product kernel: a broadcast of {@code x[t,k]}, one load of {@code W^T[k, o..]} per vector, FMA, with a
 * register tile of 4 tokens x {@link #TILE} outputs and K in L1-sized blocks. It reaches far more of the FMA peak
 * than the engine's canonical-order GEMM (two loads per FMA there); the pipeline's activations therefore differ from
 * the engine's by float rounding only, which calibration does not care about.
 */
final class TransposedWeights {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int LANES = S.length();
    static final int TILE = 3 * LANES;
    private static final int K_BLOCK = 128;
    private static final int TOKENS = 4;

    /** Row {@code r} of the weights widened into {@code dst[0..cols)}. */
    @FunctionalInterface
    interface Rows {
        void read(int r, float[] dst);
    }

    final int rows;
    final int cols;
    private final int padded;
    private final float[] wt;

    TransposedWeights(int rows, int cols, Rows source) {
        this.rows = rows;
        this.cols = cols;
        this.padded = (rows + TILE - 1) / TILE * TILE;
        this.wt = new float[Math.multiplyExact(cols, padded)];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            source.read(r, row);
            for (int k = 0; k < cols; k++) {
                wt[k * padded + r] = row[k];
            }
        }
    }

    /**
     * {@code y[t*rows + o] = sum_k x[t*cols + k] * W[o,k]} for {@code tokens} rows of {@code x}; {@code scratch}
     * holds at least {@link #scratchSize(int)} floats.
     */
    void multiply(float[] x, int tokens, float[] y, float[] scratch, ComputePool pool) {
        float[] yp = scratch;
        int strips = padded / TILE;
        java.util.Arrays.fill(yp, 0, tokens * padded, 0f);
        pool.forEach(strips, (long) tokens * cols * TILE, s -> strip(x, tokens, yp, s * TILE));
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(yp, t * padded, y, t * rows, rows);
        }
    }

    int scratchSize(int tokens) {
        return tokens * padded;
    }

    private void strip(float[] x, int tokens, float[] y, int o0) {
        for (int k0 = 0; k0 < cols; k0 += K_BLOCK) {
            int k1 = Math.min(cols, k0 + K_BLOCK);
            int t = 0;
            if (VectorSupport.enabled()) {
                for (; t + TOKENS <= tokens; t += TOKENS) {
                    tile4(x, t, y, o0, k0, k1);
                }
            }
            for (; t < tokens; t++) {
                for (int k = k0; k < k1; k++) {
                    float xv = x[t * cols + k];
                    int w = k * padded + o0;
                    int yo = t * padded + o0;
                    for (int o = 0; o < TILE; o++) {
                        y[yo + o] += xv * wt[w + o];
                    }
                }
            }
        }
    }

    private void tile4(float[] x, int t, float[] y, int o0, int k0, int k1) {
        int p = padded;
        int y0 = t * p + o0;
        FloatVector a00 = FloatVector.fromArray(S, y, y0), a01 = FloatVector.fromArray(S, y, y0 + LANES),
                a02 = FloatVector.fromArray(S, y, y0 + 2 * LANES);
        FloatVector a10 = FloatVector.fromArray(S, y, y0 + p), a11 = FloatVector.fromArray(S, y, y0 + p + LANES),
                a12 = FloatVector.fromArray(S, y, y0 + p + 2 * LANES);
        FloatVector a20 = FloatVector.fromArray(S, y, y0 + 2 * p), a21 = FloatVector.fromArray(S, y, y0 + 2 * p + LANES),
                a22 = FloatVector.fromArray(S, y, y0 + 2 * p + 2 * LANES);
        FloatVector a30 = FloatVector.fromArray(S, y, y0 + 3 * p), a31 = FloatVector.fromArray(S, y, y0 + 3 * p + LANES),
                a32 = FloatVector.fromArray(S, y, y0 + 3 * p + 2 * LANES);
        int x0 = t * cols;
        for (int k = k0; k < k1; k++) {
            int w = k * p + o0;
            FloatVector w0 = FloatVector.fromArray(S, wt, w);
            FloatVector w1 = FloatVector.fromArray(S, wt, w + LANES);
            FloatVector w2 = FloatVector.fromArray(S, wt, w + 2 * LANES);
            FloatVector b = FloatVector.broadcast(S, x[x0 + k]);
            a00 = w0.fma(b, a00); a01 = w1.fma(b, a01); a02 = w2.fma(b, a02);
            b = FloatVector.broadcast(S, x[x0 + cols + k]);
            a10 = w0.fma(b, a10); a11 = w1.fma(b, a11); a12 = w2.fma(b, a12);
            b = FloatVector.broadcast(S, x[x0 + 2 * cols + k]);
            a20 = w0.fma(b, a20); a21 = w1.fma(b, a21); a22 = w2.fma(b, a22);
            b = FloatVector.broadcast(S, x[x0 + 3 * cols + k]);
            a30 = w0.fma(b, a30); a31 = w1.fma(b, a31); a32 = w2.fma(b, a32);
        }
        a00.intoArray(y, y0); a01.intoArray(y, y0 + LANES); a02.intoArray(y, y0 + 2 * LANES);
        a10.intoArray(y, y0 + p); a11.intoArray(y, y0 + p + LANES); a12.intoArray(y, y0 + p + 2 * LANES);
        a20.intoArray(y, y0 + 2 * p); a21.intoArray(y, y0 + 2 * p + LANES); a22.intoArray(y, y0 + 2 * p + 2 * LANES);
        a30.intoArray(y, y0 + 3 * p); a31.intoArray(y, y0 + 3 * p + LANES); a32.intoArray(y, y0 + 3 * p + 2 * LANES);
    }
}
