package org.quantbench.quant.awq;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.calib.Activations;
import org.quantbench.tensor.ComputePool;

/**
 * Float matrix products of the calibration algorithms (AWQ, SmoothQuant, AutoRound) on plain row-major arrays, run
 * by {@link TiledMatmul}'s blocked Vector API GEMM (so they reach the same speed and canonical summation order as
 * the engine's prefill).
 */
public final class DenseGemm {
    /** Tokens per slice when accumulating a Gram matrix: one K-block of the GEMM. */
    private static final int GRAM_SLICE = 512;
    /** Side of the square blocks a transpose copies, so both sides stay in L1. */
    private static final int TRANSPOSE_BLOCK = 32;

    private DenseGemm() {}

    /**
     * {@code out[i*bRows + j] = a_i . b_j}: {@code a} is {@code aRows x k}, {@code b} is {@code bRows x k}, both
     * row-major; that is {@code A B^T}. Split over {@code b}'s rows.
     */
    public static void multiplyTransposed(float[] a, int aRows, float[] b, int bRows, int k, float[] out, ComputePool pool) {
        checkLength("a", a.length, (long) aRows * k);
        checkLength("b", b.length, (long) bRows * k);
        checkLength("out", out.length, (long) aRows * bRows);
        TiledMatmul.forward(bRows, k, (row, col, len, dst, off) -> System.arraycopy(b, row * k + col, dst, off, len),
                a, out, aRows, pool);
    }

    /** {@code x^T}: {@code x} is {@code rows x cols} row-major, the result {@code cols x rows}. */
    public static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        transpose(x, 0, rows, cols, t);
        return t;
    }

    /** {@code x^T} into {@code dst}: {@code x} is {@code rows x cols}, {@code dst} at least {@code cols x rows}. */
    public static void transposeInto(float[] x, int rows, int cols, float[] dst) {
        checkLength("x", x.length, (long) rows * cols);
        transpose(x, 0, rows, cols, dst);
    }

    /** Rows {@code [row0, row0 + rows)} of {@code x} (width {@code cols}) transposed into {@code dst} ({@code cols x rows}). */
    static void transpose(float[] x, int row0, int rows, int cols, float[] dst) {
        for (int r0 = 0; r0 < rows; r0 += TRANSPOSE_BLOCK) {
            int r1 = Math.min(rows, r0 + TRANSPOSE_BLOCK);
            for (int c0 = 0; c0 < cols; c0 += TRANSPOSE_BLOCK) {
                int c1 = Math.min(cols, c0 + TRANSPOSE_BLOCK);
                for (int r = r0; r < r1; r++) {
                    int src = (row0 + r) * cols;
                    for (int c = c0; c < c1; c++) {
                        dst[c * rows + r] = x[src + c];
                    }
                }
            }
        }
    }

    /**
     * The Gram matrix {@code X^T X} ({@code cols x cols}, symmetric) of {@code tokens} rows of {@code x}: the
     * per-channel input products from which every output error {@code ||X E^T||^2 = tr(E X^T X E^T)} follows without
     * running the tokens again. Accumulated over slices of {@value #GRAM_SLICE} tokens, transposed one at a time.
     */
    public static float[] gram(float[] x, int tokens, int cols, ComputePool pool) {
        checkLength("x", x.length, (long) tokens * cols);
        return gram(ArrayActivations.of(x, tokens, cols), pool);
    }

    /** {@link #gram(float[], int, int, ComputePool)} over every token of every sample. */
    public static float[] gram(Activations a, ComputePool pool) {
        int cols = a.width();
        int tokens = a.tokens();
        float[] g = new float[cols * cols];
        float[] x = new float[tokens * cols];
        float[] slice = new float[cols * Math.min(tokens, GRAM_SLICE)];
        float[] part = a.rows() > GRAM_SLICE ? new float[cols * cols] : g;
        for (int s = 0; s < a.samples(); s++) {
            a.read(s, x, 0);
            for (int t0 = 0; t0 < tokens; t0 += GRAM_SLICE) {
                int n = Math.min(GRAM_SLICE, tokens - t0);
                float[] xt = n == slice.length / cols ? slice : new float[cols * n];
                transpose(x, t0, n, cols, xt);
                multiplyTransposed(xt, cols, xt, cols, n, part, pool);
                if (part != g) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] += part[i];
                    }
                }
            }
        }
        return g;
    }

    private static void checkLength(String what, int actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " has " + actual + " elements, expected " + expected);
        }
    }
}
