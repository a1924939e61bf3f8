package org.quantbench.quant.aqlm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.VectorSupport;

/**
 * The quantities the search and the k-means evaluate for every codeword of a codebook, vectorized over
 * codewords on the transposed codebook {@code ct[j*K + k]} (K is a power of two of at least 256, a multiple of
 * every vector length): linear scores {@code a*base[k] + sum_j coef[j] c_kj}, their argmin over a block
 * of rows ({@link #argmin}), and quadratic forms {@code c_k^T M c_k} with an 8x8 matrix.
 */
final class CodewordScores {
    private static final int G = AqlmLinear.GROUP;
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    private static final float[] IOTA = iota();
    /** Codewords per block of {@link #argmin}: 8 x 512 floats (16 KB) of the transposed codebook stay in L1. */
    private static final int BLOCK = 512;

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

    /**
     * For each row i < {@code rows}, the lowest k minimizing {@link #linear}'s score with {@code a[i]} and
     * {@code coef[8i..8i+8)}, into {@code best[i]} (-1 when no score is below +infinity, e.g. all NaN). Scores are
     * computed exactly as {@link #linear} computes them but never stored, and the codebook is walked in blocks of
     * {@link #BLOCK} codewords that every row scans while the block sits in L1: a 65,536-entry codebook is 2 MB, and
     * streaming it from L3 once per row made the scan memory-bound (and slow whenever a neighbour shares the L3).
     *
     * @param state scratch of at least {@link #argminState(int)} floats
     */
    static void argmin(float[] ct, int ctOff, int entries, float[] base, int baseOff, int rows, float[] a,
                       float[] coef, float[] state, int[] best) {
        if (!VectorSupport.enabled()) {
            for (int i = 0; i < rows; i++) {
                float min = Float.POSITIVE_INFINITY;
                best[i] = -1;
                for (int k = 0; k < entries; k++) {
                    float s = a[i] * base[baseOff + k];
                    for (int j = 0; j < G; j++) {
                        s = Math.fma(coef[i * G + j], ct[ctOff + j * entries + k], s);
                    }
                    if (s < min) {
                        min = s;
                        best[i] = k;
                    }
                }
            }
            return;
        }
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(state, 2 * i * L, (2 * i + 1) * L, Float.POSITIVE_INFINITY);
            java.util.Arrays.fill(state, (2 * i + 1) * L, (2 * i + 2) * L, -1f);
        }
        for (int k0 = 0; k0 < entries; k0 += BLOCK) {
            int k1 = Math.min(entries, k0 + BLOCK);
            for (int i = 0; i < rows; i += 2) {
                // an odd last row is paired with itself: scoring a row twice leaves its strict minimum as it is
                argminPair(ct, ctOff, entries, base, baseOff, a, coef, i, Math.min(i + 1, rows - 1), k0, k1, state);
            }
        }
        for (int i = 0; i < rows; i++) {
            best[i] = lowestArgmin(state, 2 * i * L);
        }
    }

    /** Whether any of the vector length's values from {@code v[from]} is below {@code limit}. */
    static boolean anyBelow(float[] v, int from, float limit) {
        if (!VectorSupport.enabled()) {
            for (int i = from; i < from + L; i++) {
                if (v[i] < limit) {
                    return true;
                }
            }
            return false;
        }
        return FloatVector.fromArray(S, v, from).lt(limit).anyTrue();
    }

    /** Floats of scratch {@link #argmin} needs for {@code rows} rows. */
    static int argminState(int rows) {
        return 2 * rows * L;
    }

    /**
     * Rows i and j over codewords [k0, k1): per lane the running minimum and its first index, kept in {@code state}.
     * One row's score is a chain of nine dependent FMAs, so two independent chains per step keep the FMA units busier;
     * the sixteen coefficients stay in registers (four rows would spill them or broadcast them every step).
     */
    private static void argminPair(float[] ct, int ctOff, int entries, float[] base, int baseOff, float[] a,
                                   float[] coef, int i, int j, int k0, int k1, float[] state) {
        int c = i * G;
        int d = j * G;
        int at = 2 * i * L;
        int bt = 2 * j * L;
        float a0 = a[i], a1 = a[j];
        FloatVector p0 = FloatVector.broadcast(S, coef[c]), p1 = FloatVector.broadcast(S, coef[c + 1]);
        FloatVector p2 = FloatVector.broadcast(S, coef[c + 2]), p3 = FloatVector.broadcast(S, coef[c + 3]);
        FloatVector p4 = FloatVector.broadcast(S, coef[c + 4]), p5 = FloatVector.broadcast(S, coef[c + 5]);
        FloatVector p6 = FloatVector.broadcast(S, coef[c + 6]), p7 = FloatVector.broadcast(S, coef[c + 7]);
        FloatVector q0 = FloatVector.broadcast(S, coef[d]), q1 = FloatVector.broadcast(S, coef[d + 1]);
        FloatVector q2 = FloatVector.broadcast(S, coef[d + 2]), q3 = FloatVector.broadcast(S, coef[d + 3]);
        FloatVector q4 = FloatVector.broadcast(S, coef[d + 4]), q5 = FloatVector.broadcast(S, coef[d + 5]);
        FloatVector q6 = FloatVector.broadcast(S, coef[d + 6]), q7 = FloatVector.broadcast(S, coef[d + 7]);
        FloatVector min0 = FloatVector.fromArray(S, state, at), ix0 = FloatVector.fromArray(S, state, at + L);
        FloatVector min1 = FloatVector.fromArray(S, state, bt), ix1 = FloatVector.fromArray(S, state, bt + L);
        // Codeword indices as floats: exact below 2^24, and no mask conversion between float and int species.
        FloatVector index = FloatVector.fromArray(S, IOTA, 0).add((float) k0);
        FloatVector step = FloatVector.broadcast(S, (float) L);
        for (int k = k0; k < k1; k += L) {
            int p = ctOff + k;
            FloatVector b = FloatVector.fromArray(S, base, baseOff + k);
            FloatVector s0 = b.mul(a0), s1 = b.mul(a1);
            FloatVector x = FloatVector.fromArray(S, ct, p);
            s0 = x.fma(p0, s0);
            s1 = x.fma(q0, s1);
            x = FloatVector.fromArray(S, ct, p + entries);
            s0 = x.fma(p1, s0);
            s1 = x.fma(q1, s1);
            x = FloatVector.fromArray(S, ct, p + 2 * entries);
            s0 = x.fma(p2, s0);
            s1 = x.fma(q2, s1);
            x = FloatVector.fromArray(S, ct, p + 3 * entries);
            s0 = x.fma(p3, s0);
            s1 = x.fma(q3, s1);
            x = FloatVector.fromArray(S, ct, p + 4 * entries);
            s0 = x.fma(p4, s0);
            s1 = x.fma(q4, s1);
            x = FloatVector.fromArray(S, ct, p + 5 * entries);
            s0 = x.fma(p5, s0);
            s1 = x.fma(q5, s1);
            x = FloatVector.fromArray(S, ct, p + 6 * entries);
            s0 = x.fma(p6, s0);
            s1 = x.fma(q6, s1);
            x = FloatVector.fromArray(S, ct, p + 7 * entries);
            s0 = x.fma(p7, s0);
            s1 = x.fma(q7, s1);
            VectorMask<Float> lt = s0.lt(min0);
            min0 = min0.blend(s0, lt);
            ix0 = ix0.blend(index, lt);
            lt = s1.lt(min1);
            min1 = min1.blend(s1, lt);
            ix1 = ix1.blend(index, lt);
            index = index.add(step);
        }
        min0.intoArray(state, at);
        ix0.intoArray(state, at + L);
        min1.intoArray(state, bt);
        ix1.intoArray(state, bt + L);
    }

    private static float[] iota() {
        float[] v = new float[L];
        for (int i = 0; i < L; i++) {
            v[i] = i;
        }
        return v;
    }

    /** Each lane holds its first minimum; across lanes the smallest value wins, ties to the lowest index. */
    private static int lowestArgmin(float[] state, int at) {
        int best = -1;
        float bestValue = Float.POSITIVE_INFINITY;
        for (int l = 0; l < L; l++) {
            float m = state[at + l];
            int ix = (int) state[at + L + l];
            if (ix >= 0 && (best < 0 || m < bestValue || (m == bestValue && ix < best))) {
                best = ix;
                bestValue = m;
            }
        }
        return best;
    }

    /**
     * {@code out[outOff + k] = c_k^T M c_k} for the symmetric 8x8 {@code m} (row-major), {@code from <= k < to}
     * (multiples of 256, so of every vector length).
     */
    static void quadratic(float[] ct, int ctOff, int entries, int from, int to, float[] m, float[] out, int outOff) {
        if (!VectorSupport.enabled()) {
            for (int k = from; k < to; k++) {
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
        for (int k = from; k < to; k += L) {
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
