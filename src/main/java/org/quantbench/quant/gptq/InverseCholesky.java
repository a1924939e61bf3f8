package org.quantbench.quant.gptq;

import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;

/**
 * The upper Cholesky factor {@code U} of {@code H^-1} ({@code H^-1 = U^T U}) that GPTQ's column updates use, without
 * forming {@code H^-1}: with {@code J} the order-reversing permutation, the lower Cholesky factor {@code L} of
 * {@code J H J} gives {@code H = R R^T} with {@code R = J L J} upper triangular, so {@code H^-1 = (R^-1)^T R^-1}
 * and {@code U = R^-1 = J L^-1 J}. One Cholesky ({@link #factor}) and one triangular inverse ({@code n^3/3}
 * multiply-adds), both blocked by panels and row-oriented, so their inner loops are contiguous Vector API dots over
 * rows in cache.
 */
final class InverseCholesky {
    private InverseCholesky() {}

    /** Rows per parallel task. */
    private static final int CHUNK = 32;
    /**
     * Columns (Cholesky) or rows (inverse) per panel: the long dot products of a panel run against its rows while they
     * stay in cache (32 rows of 14336 floats are 1.8 MB), so the big factors stream from memory once per panel, not
     * once per column.
     */
    private static final int PANEL = 32;

    /**
     * U ({@code n x n} row-major, zero below the diagonal) from {@link #factor}'s {@code l}, whose memory it reuses
     * (the caller drops {@code h} first, so the inverse's work array can take its place).
     * The result does not depend on the thread count: every value is computed by one task in a fixed order.
     */
    static float[] upperFactorOfInverse(float[] l, int n, ComputePool pool) {
        float[] y = inverseTransposed(l, n, pool);
        // U = J x J with x = y^T: U[i][j] = x[n-1-i][n-1-j] = y[n-1-j][n-1-i], upper triangular
        float[] u = l;
        java.util.Arrays.fill(u, 0f);
        for (int i = 0; i < n; i++) {
            int col = n - 1 - i;
            for (int j = i; j < n; j++) {
                u[i * n + j] = y[(n - 1 - j) * n + col];
            }
        }
        return u;
    }

    /**
     * Lower Cholesky factor of the order-reversed {@code h} (step one; {@link #upperFactorOfInverse} is step two), a
     * panel of columns at a time: first every row's dot products with the panel's rows over the columns before the
     * panel (parallel over rows), then the panel's own columns one by one (short sums inside the panel); null when
     * {@code h} is not positive definite in float arithmetic (a pivot at or below zero, or not finite).
     */
    static float[] factor(float[] h, int n, ComputePool pool) {
        float[] l = new float[n * n];
        for (int j0 = 0; j0 < n; j0 += PANEL) {
            int p0 = j0;
            int p1 = Math.min(n, j0 + PANEL);
            int rows = n - p0;
            pool.forEach((rows + CHUNK - 1) / CHUNK, (long) CHUNK * PANEL * p0, chunk -> {
                int i1 = Math.min(n, p0 + (chunk + 1) * CHUNK);
                float[] dots = new float[4];
                for (int i = p0 + chunk * CHUNK; i < i1; i++) {
                    int jEnd = Math.min(p1, i + 1);
                    int j = p0;
                    for (; j + 4 <= jEnd; j += 4) {
                        MatmulKernels.dot4(l, i * n, l, j * n, (j + 1) * n, (j + 2) * n, (j + 3) * n, p0, dots, 0);
                        for (int r = 0; r < 4; r++) {
                            l[i * n + j + r] = reversed(h, n, i, j + r) - dots[r];
                        }
                    }
                    for (; j < jEnd; j++) {
                        l[i * n + j] = reversed(h, n, i, j) - MatmulKernels.dot(l, i * n, l, j * n, p0);
                    }
                }
            });
            for (int j = p0; j < p1; j++) {
                int jj = j;
                float d = l[j * n + j] - inPanel(l, n, j, j, p0, j);
                if (!(d > 0f) || !Float.isFinite(d)) {
                    return null;
                }
                float pivot = (float) Math.sqrt(d);
                l[j * n + j] = pivot;
                int below = n - j - 1;
                pool.forEach((below + CHUNK - 1) / CHUNK, (long) CHUNK * PANEL, chunk -> {
                    int i1 = Math.min(n, jj + 1 + (chunk + 1) * CHUNK);
                    for (int i = jj + 1 + chunk * CHUNK; i < i1; i++) {
                        l[i * n + jj] = (l[i * n + jj] - inPanel(l, n, i, jj, p0, jj)) / pivot;
                    }
                });
            }
        }
        return l;
    }

    /** {@code h} with rows and columns in reverse order, at (i, j). */
    private static float reversed(float[] h, int n, int i, int j) {
        return h[(n - 1 - i) * n + (n - 1 - j)];
    }

    /** {@code sum_{k in [from, to)} l[i,k] l[j,k]}, in order. */
    private static float inPanel(float[] l, int n, int i, int j, int from, int to) {
        float s = 0f;
        for (int k = from; k < to; k++) {
            s += l[i * n + k] * l[j * n + k];
        }
        return s;
    }

    /**
     * {@code y = (l^-1)^T} (upper triangular) for lower triangular {@code l}, a panel of l's rows at a time. With
     * {@code x = l^-1}: {@code x[i,j] = -(sum_{j<=k<i} l[i,k] x[k,j]) / l[i,i]}, i.e. row j of y gets
     * {@code y[j,i] = -dot(l[i, j..i), y[j, j..i)) / l[i,i]}: contiguous dots. For the panel's rows i, the part of
     * each dot before the panel runs first (parallel over j, the panel's rows of l kept in cache), then the panel's
     * columns of each row j in order; every row j of y belongs to one task, so the order is fixed.
     */
    private static float[] inverseTransposed(float[] l, int n, ComputePool pool) {
        float[] y = new float[n * n];
        for (int i0 = 0; i0 < n; i0 += PANEL) {
            int p0 = i0;
            int p1 = Math.min(n, i0 + PANEL);
            pool.forEach((p1 + CHUNK - 1) / CHUNK, (long) CHUNK * PANEL * p0, chunk -> {
                int j1 = Math.min(p1, (chunk + 1) * CHUNK);
                float[] before = new float[PANEL];
                for (int j = chunk * CHUNK; j < j1; j++) {
                    int row = j * n;
                    int iStart = Math.max(p0, j);
                    if (j < p0) {
                        // the parts before the panel only read y's finished columns: four rows of l at a time
                        int i = iStart;
                        for (; i + 4 <= p1; i += 4) {
                            MatmulKernels.dot4(y, row + j, l, i * n + j, (i + 1) * n + j, (i + 2) * n + j,
                                    (i + 3) * n + j, p0 - j, before, i - p0);
                        }
                        for (; i < p1; i++) {
                            before[i - p0] = MatmulKernels.dot(l, i * n + j, y, row + j, p0 - j);
                        }
                    }
                    for (int i = iStart; i < p1; i++) {
                        float s = j < p0 ? before[i - p0] : 0f;
                        for (int k = Math.max(p0, j); k < i; k++) {
                            s += l[i * n + k] * y[row + k];
                        }
                        y[row + i] = i == j ? 1f / l[i * n + i] : -s / l[i * n + i];
                    }
                }
            });
        }
        return y;
    }
}
