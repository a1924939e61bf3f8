package org.quantbench.quant.calib;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.ArrayAlignment;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.VectorSupport;

/**
 * A linear's weights as the pipeline multiplies them: widened to float once per layer and stored transposed in
 * strips of {@link #TILE} outputs ({@code [strip][in][TILE]}, out padded to whole strips) so the GEMM
 * {@code Y = X W^T} over a calibration sample is an outer-product kernel: a broadcast of {@code x[t,k]}, one load of
 * {@code W^T[k, o..]} per vector, FMA, with a register tile of {@value #TOKENS} tokens x {@link #TILE} outputs and K
 * in L1-sized blocks. A strip's rows lie {@code TILE} floats apart, a constant stride, so the JIT hoists the bounds
 * checks out of the K loop (with the row stride of a plain transpose it checked every load: 1.6x slower). It reaches
 * far more of the FMA peak than the engine's canonical-order GEMM (two loads per FMA there); the pipeline's
 * activations therefore differ from the engine's by float rounding only, which calibration does not care about.
 */
final class TransposedWeights {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int LANES = S.length();
    static final int TILE = 3 * LANES;
    private static final int K_BLOCK = 128;
    private static final int TOKENS = 8;
    /** Strips start on a 64-byte line, so every row of TILE floats does (see {@link ArrayAlignment}). */
    private static final int PAD = ArrayAlignment.floatPad();

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
        this.wt = new float[Math.addExact(PAD, Math.multiplyExact(cols, padded))];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            source.read(r, row);
            int at = PAD + r / TILE * cols * TILE + r % TILE;
            for (int k = 0; k < cols; k++) {
                wt[at + k * TILE] = row[k];
            }
        }
    }

    /**
     * {@code y[t*rows + o] = sum_k x[t*cols + k] * W[o,k]} for {@code tokens} rows of {@code x}; {@code scratch}
     * holds at least {@link #scratchSize(int)} floats.
     */
    void multiply(float[] x, int tokens, float[] y, float[] scratch, ComputePool pool) {
        pool.forEach(padded / TILE, (long) tokens * cols * TILE, s -> {
            strip(x, tokens, scratch, s);
            int width = Math.min(TILE, rows - s * TILE);
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(scratch, (s * tokens + t) * TILE, y, t * rows + s * TILE, width);
            }
        });
    }

    int scratchSize(int tokens) {
        return tokens * padded;
    }

    /** Output strip {@code s} of every token into {@code y[(s * tokens + t) * TILE ..]}. */
    private void strip(float[] x, int tokens, float[] y, int s) {
        int yStrip = s * tokens * TILE;
        int wStrip = PAD + s * cols * TILE;
        java.util.Arrays.fill(y, yStrip, yStrip + tokens * TILE, 0f);
        for (int k0 = 0; k0 < cols; k0 += K_BLOCK) {
            int k1 = Math.min(cols, k0 + K_BLOCK);
            int t = 0;
            if (VectorSupport.enabled()) {
                for (; t + TOKENS <= tokens; t += TOKENS) {
                    tile8(x, t, y, yStrip + t * TILE, wStrip, k0, k1);
                }
            }
            for (; t < tokens; t++) {
                for (int k = k0; k < k1; k++) {
                    float xv = x[t * cols + k];
                    int w = wStrip + k * TILE;
                    int yo = yStrip + t * TILE;
                    for (int o = 0; o < TILE; o++) {
                        y[yo + o] += xv * wt[w + o];
                    }
                }
            }
        }
    }

    /** Tokens {@code t..t+7} of a strip, accumulators at {@code y[y0 ..]} (the tokens' rows of TILE contiguous). */
    private void tile8(float[] x, int t, float[] y, int y0, int wStrip, int k0, int k1) {
        FloatVector a00 = FloatVector.fromArray(S, y, y0 + 0 * TILE + 0 * LANES), a01 = FloatVector.fromArray(S, y, y0 + 0 * TILE + 1 * LANES), a02 = FloatVector.fromArray(S, y, y0 + 0 * TILE + 2 * LANES);
        FloatVector a10 = FloatVector.fromArray(S, y, y0 + 1 * TILE + 0 * LANES), a11 = FloatVector.fromArray(S, y, y0 + 1 * TILE + 1 * LANES), a12 = FloatVector.fromArray(S, y, y0 + 1 * TILE + 2 * LANES);
        FloatVector a20 = FloatVector.fromArray(S, y, y0 + 2 * TILE + 0 * LANES), a21 = FloatVector.fromArray(S, y, y0 + 2 * TILE + 1 * LANES), a22 = FloatVector.fromArray(S, y, y0 + 2 * TILE + 2 * LANES);
        FloatVector a30 = FloatVector.fromArray(S, y, y0 + 3 * TILE + 0 * LANES), a31 = FloatVector.fromArray(S, y, y0 + 3 * TILE + 1 * LANES), a32 = FloatVector.fromArray(S, y, y0 + 3 * TILE + 2 * LANES);
        FloatVector a40 = FloatVector.fromArray(S, y, y0 + 4 * TILE + 0 * LANES), a41 = FloatVector.fromArray(S, y, y0 + 4 * TILE + 1 * LANES), a42 = FloatVector.fromArray(S, y, y0 + 4 * TILE + 2 * LANES);
        FloatVector a50 = FloatVector.fromArray(S, y, y0 + 5 * TILE + 0 * LANES), a51 = FloatVector.fromArray(S, y, y0 + 5 * TILE + 1 * LANES), a52 = FloatVector.fromArray(S, y, y0 + 5 * TILE + 2 * LANES);
        FloatVector a60 = FloatVector.fromArray(S, y, y0 + 6 * TILE + 0 * LANES), a61 = FloatVector.fromArray(S, y, y0 + 6 * TILE + 1 * LANES), a62 = FloatVector.fromArray(S, y, y0 + 6 * TILE + 2 * LANES);
        FloatVector a70 = FloatVector.fromArray(S, y, y0 + 7 * TILE + 0 * LANES), a71 = FloatVector.fromArray(S, y, y0 + 7 * TILE + 1 * LANES), a72 = FloatVector.fromArray(S, y, y0 + 7 * TILE + 2 * LANES);
        int x0 = t * cols;
        for (int k = k0; k < k1; k++) {
            int w = wStrip + k * TILE;
            FloatVector w0 = FloatVector.fromArray(S, wt, w + 0 * LANES);
            FloatVector w1 = FloatVector.fromArray(S, wt, w + 1 * LANES);
            FloatVector w2 = FloatVector.fromArray(S, wt, w + 2 * LANES);
            FloatVector b0 = FloatVector.broadcast(S, x[x0 + 0 * cols + k]);
            a00 = w0.fma(b0, a00); a01 = w1.fma(b0, a01); a02 = w2.fma(b0, a02);
            FloatVector b1 = FloatVector.broadcast(S, x[x0 + 1 * cols + k]);
            a10 = w0.fma(b1, a10); a11 = w1.fma(b1, a11); a12 = w2.fma(b1, a12);
            FloatVector b2 = FloatVector.broadcast(S, x[x0 + 2 * cols + k]);
            a20 = w0.fma(b2, a20); a21 = w1.fma(b2, a21); a22 = w2.fma(b2, a22);
            FloatVector b3 = FloatVector.broadcast(S, x[x0 + 3 * cols + k]);
            a30 = w0.fma(b3, a30); a31 = w1.fma(b3, a31); a32 = w2.fma(b3, a32);
            FloatVector b4 = FloatVector.broadcast(S, x[x0 + 4 * cols + k]);
            a40 = w0.fma(b4, a40); a41 = w1.fma(b4, a41); a42 = w2.fma(b4, a42);
            FloatVector b5 = FloatVector.broadcast(S, x[x0 + 5 * cols + k]);
            a50 = w0.fma(b5, a50); a51 = w1.fma(b5, a51); a52 = w2.fma(b5, a52);
            FloatVector b6 = FloatVector.broadcast(S, x[x0 + 6 * cols + k]);
            a60 = w0.fma(b6, a60); a61 = w1.fma(b6, a61); a62 = w2.fma(b6, a62);
            FloatVector b7 = FloatVector.broadcast(S, x[x0 + 7 * cols + k]);
            a70 = w0.fma(b7, a70); a71 = w1.fma(b7, a71); a72 = w2.fma(b7, a72);
        }
        a00.intoArray(y, y0 + 0 * TILE + 0 * LANES); a01.intoArray(y, y0 + 0 * TILE + 1 * LANES); a02.intoArray(y, y0 + 0 * TILE + 2 * LANES);
        a10.intoArray(y, y0 + 1 * TILE + 0 * LANES); a11.intoArray(y, y0 + 1 * TILE + 1 * LANES); a12.intoArray(y, y0 + 1 * TILE + 2 * LANES);
        a20.intoArray(y, y0 + 2 * TILE + 0 * LANES); a21.intoArray(y, y0 + 2 * TILE + 1 * LANES); a22.intoArray(y, y0 + 2 * TILE + 2 * LANES);
        a30.intoArray(y, y0 + 3 * TILE + 0 * LANES); a31.intoArray(y, y0 + 3 * TILE + 1 * LANES); a32.intoArray(y, y0 + 3 * TILE + 2 * LANES);
        a40.intoArray(y, y0 + 4 * TILE + 0 * LANES); a41.intoArray(y, y0 + 4 * TILE + 1 * LANES); a42.intoArray(y, y0 + 4 * TILE + 2 * LANES);
        a50.intoArray(y, y0 + 5 * TILE + 0 * LANES); a51.intoArray(y, y0 + 5 * TILE + 1 * LANES); a52.intoArray(y, y0 + 5 * TILE + 2 * LANES);
        a60.intoArray(y, y0 + 6 * TILE + 0 * LANES); a61.intoArray(y, y0 + 6 * TILE + 1 * LANES); a62.intoArray(y, y0 + 6 * TILE + 2 * LANES);
        a70.intoArray(y, y0 + 7 * TILE + 0 * LANES); a71.intoArray(y, y0 + 7 * TILE + 1 * LANES); a72.intoArray(y, y0 + 7 * TILE + 2 * LANES);
    }
}
