package org.quantbench.quant.aqlm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.VectorSupport;

/**
 * The two quantities the search and the k-means evaluate for every codeword of a codebook, vectorized over
 * codewords on the transposed codebook {@code ct[j*K + k]} (K is a power of two of at least 256, a multiple of
 * every vector length): linear scores {@code a*base[k] + sum_j coef[j] c_kj} and quadratic forms
 * {@code c_k^T M c_k} with an 8x8 matrix.
 */
final class CodewordScores {
    private static final int G = AqlmLinear.GROUP;
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();

    private CodewordScores() {}

    /** {@code out[k] = a * base[baseOff + k] + sum_j coef[j] * ct[ctOff + j*K + k]} for k < K. */
    static void linear(float[] ct, int ctOff, int entries, float[] base, int baseOff, float a, float[] coef, float[] out) {
        if (!VectorSupport.enabled()) {
            for (int k = 0; k < entries; k++) {
                float s = a * base[baseOff + k];
                for (int j = 0; j < G; j++) {
                    s = Math.fma(coef[j], ct[ctOff + j * entries + k], s);
                }
                out[k] = s;
            }
            return;
        }
        FloatVector av = FloatVector.broadcast(S, a);
        FloatVector c0 = FloatVector.broadcast(S, coef[0]), c1 = FloatVector.broadcast(S, coef[1]);
        FloatVector c2 = FloatVector.broadcast(S, coef[2]), c3 = FloatVector.broadcast(S, coef[3]);
        FloatVector c4 = FloatVector.broadcast(S, coef[4]), c5 = FloatVector.broadcast(S, coef[5]);
        FloatVector c6 = FloatVector.broadcast(S, coef[6]), c7 = FloatVector.broadcast(S, coef[7]);
        for (int k = 0; k < entries; k += L) {
            int p = ctOff + k;
            FloatVector s = FloatVector.fromArray(S, base, baseOff + k).mul(av);
            s = FloatVector.fromArray(S, ct, p).fma(c0, s);
            s = FloatVector.fromArray(S, ct, p + entries).fma(c1, s);
            s = FloatVector.fromArray(S, ct, p + 2 * entries).fma(c2, s);
            s = FloatVector.fromArray(S, ct, p + 3 * entries).fma(c3, s);
            s = FloatVector.fromArray(S, ct, p + 4 * entries).fma(c4, s);
            s = FloatVector.fromArray(S, ct, p + 5 * entries).fma(c5, s);
            s = FloatVector.fromArray(S, ct, p + 6 * entries).fma(c6, s);
            s = FloatVector.fromArray(S, ct, p + 7 * entries).fma(c7, s);
            s.intoArray(out, k);
        }
    }

    /** {@code out[outOff + k] = c_k^T M c_k} for the symmetric 8x8 {@code m} (row-major), k < K. */
    static void quadratic(float[] ct, int ctOff, int entries, float[] m, float[] out, int outOff) {
        if (!VectorSupport.enabled()) {
            for (int k = 0; k < entries; k++) {
                float q = 0f;
                for (int j = 0; j < G; j++) {
                    float t = 0f;
                    for (int i = 0; i < G; i++) {
                        t = Math.fma(m[j * G + i], ct[ctOff + i * entries + k], t);
                    }
                    q = Math.fma(ct[ctOff + j * entries + k], t, q);
                }
                out[outOff + k] = q;
            }
            return;
        }
        for (int k = 0; k < entries; k += L) {
            int p = ctOff + k;
            FloatVector c0 = FloatVector.fromArray(S, ct, p), c1 = FloatVector.fromArray(S, ct, p + entries);
            FloatVector c2 = FloatVector.fromArray(S, ct, p + 2 * entries), c3 = FloatVector.fromArray(S, ct, p + 3 * entries);
            FloatVector c4 = FloatVector.fromArray(S, ct, p + 4 * entries), c5 = FloatVector.fromArray(S, ct, p + 5 * entries);
            FloatVector c6 = FloatVector.fromArray(S, ct, p + 6 * entries), c7 = FloatVector.fromArray(S, ct, p + 7 * entries);
            FloatVector q = c0.mul(row(m, 0, c0, c1, c2, c3, c4, c5, c6, c7));
            q = c1.fma(row(m, 1, c0, c1, c2, c3, c4, c5, c6, c7), q);
            q = c2.fma(row(m, 2, c0, c1, c2, c3, c4, c5, c6, c7), q);
            q = c3.fma(row(m, 3, c0, c1, c2, c3, c4, c5, c6, c7), q);
            q = c4.fma(row(m, 4, c0, c1, c2, c3, c4, c5, c6, c7), q);
            q = c5.fma(row(m, 5, c0, c1, c2, c3, c4, c5, c6, c7), q);
            q = c6.fma(row(m, 6, c0, c1, c2, c3, c4, c5, c6, c7), q);
            q = c7.fma(row(m, 7, c0, c1, c2, c3, c4, c5, c6, c7), q);
            q.intoArray(out, outOff + k);
        }
    }

    /** {@code sum_i m[j][i] c_i}. */
    private static FloatVector row(float[] m, int j, FloatVector c0, FloatVector c1, FloatVector c2, FloatVector c3,
                                   FloatVector c4, FloatVector c5, FloatVector c6, FloatVector c7) {
        int o = j * G;
        FloatVector t = c0.mul(m[o]);
        t = c1.fma(FloatVector.broadcast(S, m[o + 1]), t);
        t = c2.fma(FloatVector.broadcast(S, m[o + 2]), t);
        t = c3.fma(FloatVector.broadcast(S, m[o + 3]), t);
        t = c4.fma(FloatVector.broadcast(S, m[o + 4]), t);
        t = c5.fma(FloatVector.broadcast(S, m[o + 5]), t);
        t = c6.fma(FloatVector.broadcast(S, m[o + 6]), t);
        return c7.fma(FloatVector.broadcast(S, m[o + 7]), t);
    }
}
