package org.quantbench.quant.gptq;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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

    /**
     * U ({@code n x n} row-major, zero below the diagonal) for the symmetric {@code h}, or null when {@code h} is
     * not positive definite in float arithmetic (a pivot at or below zero, or not finite).
     */
    static float[] upperFactorOfInverse(float[] h, int n) {
        // l = lower Cholesky factor of the reversed matrix, built row by row (Cholesky-Banachiewicz)
        float[] l = new float[n * n];
        for (int i = 0; i < n; i++) {
            int ri = n - 1 - i;
            for (int j = 0; j <= i; j++) {
                float s = h[ri * n + (n - 1 - j)] - MatmulKernels.dot(l, i * n, l, j * n, j);
                if (j < i) {
                    l[i * n + j] = s / l[j * n + j];
                } else {
                    if (!(s > 0f) || !Float.isFinite(s)) {
                        return null;
                    }
                    l[i * n + i] = (float) Math.sqrt(s);
                }
            }
        }
        // x = l^-1, row i: (e_i - sum_{k<i} l[i,k] x[k,0..k]) / l[i,i]
        float[] x = new float[n * n];
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(row, 0, i + 1, 0f);
            row[i] = 1f;
            for (int k = 0; k < i; k++) {
                axpy(-l[i * n + k], x, k * n, row, k + 1);
            }
            float inv = 1f / l[i * n + i];
            for (int j = 0; j <= i; j++) {
                x[i * n + j] = row[j] * inv;
            }
        }
        // U = J x J: U[i][j] = x[n-1-i][n-1-j], upper triangular
        float[] u = l;
        java.util.Arrays.fill(u, 0f);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                u[i * n + j] = x[(n - 1 - i) * n + (n - 1 - j)];
            }
        }
        return u;
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
