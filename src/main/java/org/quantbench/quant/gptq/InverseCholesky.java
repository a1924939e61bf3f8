package org.quantbench.quant.gptq;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

/**
 * The upper Cholesky factor {@code U} of {@code H^-1} ({@code H^-1 = U^T U}) that GPTQ's column updates use, without
 * forming {@code H^-1}: with {@code J} the order-reversing permutation, the lower Cholesky factor {@code L} of
 * {@code J H J} gives {@code H = R R^T} with {@code R = J L J} upper triangular, so {@code H^-1 = (R^-1)^T R^-1}
 * and {@code U = R^-1 = J L^-1 J}. One Cholesky and one triangular inverse ({@code n^3/3} multiply-adds), both
 * row-oriented so their inner loops are contiguous Vector API dots and axpys.
 */
final class InverseCholesky {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();

    private InverseCholesky() {}

    /** Rows or columns per parallel task. */
    private static final int CHUNK = 32;

    /**
     * U ({@code n x n} row-major, zero below the diagonal) for the symmetric {@code h}, or null when {@code h} is
     * not positive definite in float arithmetic (a pivot at or below zero, or not finite). The result does not
     * depend on the thread count: every value is computed by one task in a fixed order.
     */
    static float[] upperFactorOfInverse(float[] h, int n, ComputePool pool) {
        float[] l = cholesky(h, n, pool);
        if (l == null) {
            return null;
        }
        // x = l^-1; columns are independent, so tasks own column chunks. Row i of chunk [c0, c1):
        // x[i, c] = (e_i - sum_{c0<=k<i} l[i,k] x[k, c]) / l[i,i], where x[k, c] = 0 for c > k.
        float[] x = new float[n * n];
        int chunks = (n + CHUNK - 1) / CHUNK;
        pool.forEach(chunks, (long) CHUNK * n * n / 4, chunk -> {
            int c0 = chunk * CHUNK;
            int c1 = Math.min(n, c0 + CHUNK);
            float[] row = new float[CHUNK];
            for (int i = c0; i < n; i++) {
                int w = Math.min(c1, i + 1) - c0;
                java.util.Arrays.fill(row, 0, w, 0f);
                if (i < c1) {
                    row[i - c0] = 1f;
                }
                for (int k = c0; k < i; k++) {
                    axpy(-l[i * n + k], x, k * n + c0, row, Math.min(c1, k + 1) - c0);
                }
                float inv = 1f / l[i * n + i];
                for (int c = 0; c < w; c++) {
                    x[i * n + c0 + c] = row[c] * inv;
                }
            }
        });
        // U = J x J: U[i][j] = x[n-1-i][n-1-j], upper triangular
        float[] u = l;
        java.util.Arrays.fill(u, 0f);
        for (int i = 0; i < n; i++) {
            int xi = (n - 1 - i) * n + (n - 1);
            for (int j = i; j < n; j++) {
                u[i * n + j] = x[xi - j];
            }
        }
        return u;
    }

    /**
     * Lower Cholesky factor of the order-reversed {@code h}, column by column: the pivot, then every row below it in
     * parallel chunks (each entry a dot product of two row prefixes); null when a pivot is not positive.
     */
    private static float[] cholesky(float[] h, int n, ComputePool pool) {
        float[] l = new float[n * n];
        for (int j = 0; j < n; j++) {
            int jj = j;
            float d = h[(n - 1 - j) * n + (n - 1 - j)] - MatmulKernels.dot(l, j * n, l, j * n, j);
            if (!(d > 0f) || !Float.isFinite(d)) {
                return null;
            }
            float pivot = (float) Math.sqrt(d);
            l[j * n + j] = pivot;
            int below = n - j - 1;
            int chunks = (below + CHUNK - 1) / CHUNK;
            pool.forEach(chunks, (long) CHUNK * j, chunk -> {
                int i0 = jj + 1 + chunk * CHUNK;
                int i1 = Math.min(n, i0 + CHUNK);
                for (int i = i0; i < i1; i++) {
                    float s = h[(n - 1 - i) * n + (n - 1 - jj)] - MatmulKernels.dot(l, i * n, l, jj * n, jj);
                    l[i * n + jj] = s / pivot;
                }
            });
        }
        return l;
    }

    /** {@code y[0..len) += a * x[xOff..xOff+len)}. */
    private static void axpy(float a, float[] x, int xOff, float[] y, int len) {
        int i = 0;
        if (VectorSupport.enabled()) {
            FloatVector av = FloatVector.broadcast(S, a);
            for (int bound = S.loopBound(len); i < bound; i += S.length()) {
                FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, i)).intoArray(y, i);
            }
        }
        for (; i < len; i++) {
            y[i] += a * x[xOff + i];
        }
    }
}
