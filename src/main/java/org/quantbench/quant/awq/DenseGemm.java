package org.quantbench.quant.awq;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.calib.Activations;
import org.quantbench.quant.calib.HessianAccumulator;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.VectorSupport;

/**
 * Float matrix products of the calibration algorithms (AWQ, SmoothQuant, AutoRound) on plain row-major arrays:
 * {@link #multiplyTransposed} ({@code A B^T}, both with K contiguous) on {@link TiledMatmul}'s blocked GEMM in the
 * engine's canonical summation order, and {@link #multiply} ({@code A B}) as an outer-product kernel: a broadcast of
 * {@code a[i,k]}, one load of {@code b[k, j..]} per vector and FMA into a register tile of 4 rows x 3 vectors, K in
 * blocks whose B panel stays in L1. The second has one load per four FMAs instead of two per FMA, so it runs much
 * closer to the FMA peak; its summation order is plain k order per output, which calibration does not care about.
 */
public final class DenseGemm {
    /** Side of the square blocks a transpose copies, so both sides stay in L1. */
    private static final int TRANSPOSE_BLOCK = 32;

    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int LANES = S.length();
    /** Output columns of one task and register tile: three vectors. */
    private static final int TILE = 3 * LANES;
    /** K rows of B per block: a panel of {@code K_BLOCK x TILE} floats (24 KiB at 512 bits) stays in L1. */
    private static final int K_BLOCK = 128;

    private DenseGemm() {}

    /**
     * {@code out = A B}: {@code a} is {@code m x k}, {@code b} is {@code k x n}, {@code out} {@code m x n}, all
     * row-major. Split over strips of {@code n}'s columns.
     */
    public static void multiply(float[] a, int m, int k, float[] b, int n, float[] out, ComputePool pool) {
        checkLength("a", a.length, (long) m * k);
        checkLength("b", b.length, (long) k * n);
        checkLength("out", out.length, (long) m * n);
        java.util.Arrays.fill(out, 0f);
        int strips = (n + TILE - 1) / TILE;
        pool.forEach(strips, (long) m * k * TILE, s -> strip(a, m, k, b, n, out, s * TILE, Math.min(n, s * TILE + TILE)));
    }

    private static void strip(float[] a, int m, int k, float[] b, int n, float[] out, int j0, int j1) {
        boolean vector = VectorSupport.enabled() && j1 - j0 == TILE;
        // The strip's columns of B packed K-major, TILE floats per row: a constant stride lets the JIT hoist the
        // bounds checks out of the K loop (with B's own row stride it checked every load, 1.6x slower).
        float[] panel = vector ? new float[k * TILE] : null;
        if (vector) {
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(b, kk * n + j0, panel, kk * TILE, TILE);
            }
        }
        for (int k0 = 0; k0 < k; k0 += K_BLOCK) {
            int k1 = Math.min(k, k0 + K_BLOCK);
            int i = 0;
            if (vector) {
                for (; i + 4 <= m; i += 4) {
                    tile4(a, k, panel, n, out, i, j0, k0, k1);
                }
            }
            for (; i < m; i++) {
                for (int kk = k0; kk < k1; kk++) {
                    float av = a[i * k + kk];
                    for (int j = j0; j < j1; j++) {
                        out[i * n + j] += av * b[kk * n + j];
                    }
                }
            }
        }
    }

    /** Rows i..i+3 of the strip at j0 over K-block [k0, k1), from the strip's packed {@code panel} of B. */
    private static void tile4(float[] a, int k, float[] panel, int n, float[] out, int i, int j0, int k0, int k1) {
        int o = i * n + j0;
        FloatVector c00 = FloatVector.fromArray(S, out, o), c01 = FloatVector.fromArray(S, out, o + LANES),
                c02 = FloatVector.fromArray(S, out, o + 2 * LANES);
        FloatVector c10 = FloatVector.fromArray(S, out, o + n), c11 = FloatVector.fromArray(S, out, o + n + LANES),
                c12 = FloatVector.fromArray(S, out, o + n + 2 * LANES);
        FloatVector c20 = FloatVector.fromArray(S, out, o + 2 * n), c21 = FloatVector.fromArray(S, out, o + 2 * n + LANES),
                c22 = FloatVector.fromArray(S, out, o + 2 * n + 2 * LANES);
        FloatVector c30 = FloatVector.fromArray(S, out, o + 3 * n), c31 = FloatVector.fromArray(S, out, o + 3 * n + LANES),
                c32 = FloatVector.fromArray(S, out, o + 3 * n + 2 * LANES);
        int a0 = i * k;
        for (int kk = k0; kk < k1; kk++) {
            int bj = kk * TILE;
            FloatVector b0 = FloatVector.fromArray(S, panel, bj);
            FloatVector b1 = FloatVector.fromArray(S, panel, bj + LANES);
            FloatVector b2 = FloatVector.fromArray(S, panel, bj + 2 * LANES);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02);
            x = FloatVector.broadcast(S, a[a0 + k + kk]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12);
            x = FloatVector.broadcast(S, a[a0 + 2 * k + kk]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22);
            x = FloatVector.broadcast(S, a[a0 + 3 * k + kk]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + LANES); c02.intoArray(out, o + 2 * LANES);
        c10.intoArray(out, o + n); c11.intoArray(out, o + n + LANES); c12.intoArray(out, o + n + 2 * LANES);
        c20.intoArray(out, o + 2 * n); c21.intoArray(out, o + 2 * n + LANES); c22.intoArray(out, o + 2 * n + 2 * LANES);
        c30.intoArray(out, o + 3 * n); c31.intoArray(out, o + 3 * n + LANES); c32.intoArray(out, o + 3 * n + 2 * LANES);
    }

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
        transpose(x, rows, cols, t);
        return t;
    }

    /** {@code x^T} into {@code dst}: {@code x} is {@code rows x cols}, {@code dst} at least {@code cols x rows}. */
    public static void transposeInto(float[] x, int rows, int cols, float[] dst) {
        checkLength("x", x.length, (long) rows * cols);
        transpose(x, rows, cols, dst);
    }

    private static void transpose(float[] x, int rows, int cols, float[] dst) {
        for (int r0 = 0; r0 < rows; r0 += TRANSPOSE_BLOCK) {
            int r1 = Math.min(rows, r0 + TRANSPOSE_BLOCK);
            for (int c0 = 0; c0 < cols; c0 += TRANSPOSE_BLOCK) {
                int c1 = Math.min(cols, c0 + TRANSPOSE_BLOCK);
                for (int r = r0; r < r1; r++) {
                    int src = r * cols;
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
     * running the tokens again.
     */
    public static float[] gram(float[] x, int tokens, int cols, ComputePool pool) {
        checkLength("x", x.length, (long) tokens * cols);
        return gram(ArrayActivations.of(x, tokens, cols), pool);
    }

    /**
     * {@link #gram(float[], int, int, ComputePool)} over every token of every sample, from the calibration pipeline's
     * {@link HessianAccumulator} ({@code H = (2/n) X^T X}, upper triangle only, its own blocked kernel) scaled back by
     * {@code n / 2}.
     */
    public static float[] gram(Activations a, ComputePool pool) {
        float[] h = HessianAccumulator.of(a, pool);
        float scale = (float) (a.rows() / 2.0);
        for (int i = 0; i < h.length; i++) {
            h[i] *= scale;
        }
        return h;
    }

    private static void checkLength(String what, int actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " has " + actual + " elements, expected " + expected);
        }
    }
}
