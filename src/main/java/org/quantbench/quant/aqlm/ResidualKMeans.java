package org.quantbench.quant.aqlm;

import org.quantbench.tensor.ComputePool;

import java.util.Random;

/**
 * AQLM's initialisation: codebook 0 is k-means over the groups of 8 of the scale-normalized rows, codebook m the
 * k-means of what codebooks 0..m-1 leave (the residual). Distances are weighted by the Hessian's diagonal (the
 * objective without the cross terms between columns) times the row's squared scale; centres start at distinct
 * groups drawn with the seed. Assignment runs in parallel over groups; the centre update is sequential in a fixed
 * order, so the result does not depend on the thread count.
 */
final class ResidualKMeans {
    private static final int G = AqlmLinear.GROUP;

    private ResidualKMeans() {}

    /**
     * Fills the codes and codebooks of {@code st}.
     *
     * @param target    the rows divided by their scales, {@code rows x cols}
     * @param rowWeight per row, the squared scale
     * @param diag      the Hessian's diagonal, {@code cols}
     */
    static void initialize(AqlmState st, float[] target, float[] rowWeight, float[] diag, int iterations, long seed,
                           ComputePool pool) {
        float[] residual = target.clone();
        int n = st.rows * st.groups;
        for (int m = 0; m < st.books; m++) {
            seedCentres(st, m, residual, new Random(seed * 1_000_003L + m));
            for (int it = 0; it < iterations; it++) {
                assign(st, m, residual, diag, pool);
                update(st, m, residual, rowWeight, diag);
            }
            assign(st, m, residual, diag, pool);
            for (int i = 0; i < n; i++) {
                int c = (st.codes[i * st.books + m] + m * st.entries) * G;
                for (int j = 0; j < G; j++) {
                    residual[i * G + j] -= st.codebook[c + j];
                }
            }
        }
    }

    /** Centres of codebook m = residual groups at distinct random positions (repeated when there are fewer groups). */
    private static void seedCentres(AqlmState st, int m, float[] residual, Random rnd) {
        int n = st.rows * st.groups;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int k = 0; k < st.entries; k++) {
            int slot = k % n;
            if (k < n) {
                int swap = slot + rnd.nextInt(n - slot);
                int t = order[slot];
                order[slot] = order[swap];
                order[swap] = t;
            }
            System.arraycopy(residual, order[slot] * G, st.codebook, (m * st.entries + k) * G, G);
        }
    }

    /** Nearest centre of codebook m for every group (ties: the lowest index). */
    private static void assign(AqlmState st, int m, float[] residual, float[] diag, ComputePool pool) {
        int k = st.entries;
        float[] ct = new float[G * k];
        for (int e = 0; e < k; e++) {
            for (int j = 0; j < G; j++) {
                ct[j * k + e] = st.codebook[(m * k + e) * G + j];
            }
        }
        pool.forEach(st.groups, (long) st.rows * k * G, g -> {
            float[] weights = new float[G * G];
            for (int j = 0; j < G; j++) {
                weights[j * G + j] = diag[g * G + j];
            }
            float[] norms = new float[k];
            CodewordScores.quadratic(ct, 0, k, 0, k, weights, norms, 0);
            float[] coef = new float[st.rows * G];
            float[] ones = new float[st.rows];
            java.util.Arrays.fill(ones, 1f);
            for (int r = 0; r < st.rows; r++) {
                int v = (r * st.groups + g) * G;
                for (int j = 0; j < G; j++) {
                    coef[r * G + j] = -2f * diag[g * G + j] * residual[v + j];
                }
            }
            int[] best = new int[st.rows];
            CodewordScores.argmin(ct, 0, k, norms, 0, st.rows, ones, coef, new float[CodewordScores.argminState(st.rows)], best);
            for (int r = 0; r < st.rows; r++) {
                st.codes[(r * st.groups + g) * st.books + m] = Math.max(best[r], 0);
            }
        });
    }

    /** Each centre moves to the weighted mean of its groups, per coordinate; a centre nobody picked stays. */
    private static void update(AqlmState st, int m, float[] residual, float[] rowWeight, float[] diag) {
        int k = st.entries;
        double[] num = new double[k * G];
        double[] den = new double[k * G];
        for (int r = 0; r < st.rows; r++) {
            for (int g = 0; g < st.groups; g++) {
                int i = r * st.groups + g;
                int c = st.codes[i * st.books + m] * G;
                for (int j = 0; j < G; j++) {
                    double wt = (double) rowWeight[r] * diag[g * G + j];
                    num[c + j] += wt * residual[i * G + j];
                    den[c + j] += wt;
                }
            }
        }
        for (int e = 0; e < k * G; e++) {
            if (den[e] > 0) {
                st.codebook[m * k * G + e] = (float) (num[e] / den[e]);
            }
        }
    }
}
