package org.quantbench.quant.aqlm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.VectorSupport;

/**
 * The code update of an AQLM round: every group of every row, in column order, gets the codes that minimize the
 * layer objective {@code tr((W - What) H (W - What)^T)} with the other groups fixed. With {@code e = What - W} and
 * {@code EH} kept current, a group's part of the objective for a candidate reconstruction {@code x} is
 * {@code 2 (x - w_g) . r_g + (x - w_g)^T H_gg (x - w_g)}, {@code r_g = (EH)_g - H_gg e_g} (the pull of the other
 * groups). For M codebooks a beam search over code tuples: starting from the current tuple, for each codebook in
 * turn every hypothesis tries all 2^B codes for that codebook, and the {@code beam} best distinct tuples go on; the
 * current tuple competes, so no group gets worse. Changing the codewords with the others fixed costs
 * {@code s^2 c^T H_gg c + 2 s c . v} plus a constant, vectorized over codewords. After a group changes by
 * {@code delta}, {@code EH_r += delta H[g rows]}. With beam 1 (1x16's default) the groups are the outer loop: a
 * group's codeword quadratic terms are computed once for all rows, and a task's rows are scored together, block by
 * block of the codebook ({@link CodewordScores#argmin}), so a 2 MB codebook is read from memory once per task and
 * group instead of once per row.
 * <p>
 * Rows are independent: tasks take fixed blocks of rows, so the result does not depend on the thread count.
 */
final class CodeSearch {
    private static final int G = AqlmLinear.GROUP;
    private static final int ROW_BLOCK = 32;
    /** Codewords per task of a group's quadratic terms (codebooks have at least 256 entries). */
    private static final int QUADRATIC_SLICE = 256;
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();

    private final AqlmState st;
    private final float[] w;
    private final float[] h;
    private final float[] eh;
    private final float[] ct;
    private final int beam;

    private CodeSearch(AqlmState st, float[] w, float[] h, float[] eh, int beam) {
        this.st = st;
        this.w = w;
        this.h = h;
        this.eh = eh;
        this.ct = st.transposedCodebook();
        this.beam = beam;
    }

    /** One pass over every group of every row; {@code eh = (What - W) H} on entry, kept current. */
    static void run(AqlmState st, float[] w, float[] h, float[] eh, int beam, ComputePool pool) {
        CodeSearch search = new CodeSearch(st, w, h, eh, beam);
        int chunks = (st.rows + ROW_BLOCK - 1) / ROW_BLOCK;
        if (beam == 1) {
            search.greedyPass(chunks, pool);
            return;
        }
        long work = (long) ROW_BLOCK * st.groups * ((long) beam * st.books * st.entries * 9 + 8L * st.cols);
        pool.forEach(chunks, work, c -> {
            Worker worker = search.new Worker(new float[G * G], new float[st.books * st.entries]);
            worker.rows(c * ROW_BLOCK, Math.min(st.rows, (c + 1) * ROW_BLOCK));
        });
    }

    /**
     * Beam 1 group by group: the quadratic terms of group g's codewords are computed once (split over the pool by
     * codeword blocks), then the row blocks run in parallel. Per row the groups are still visited in column order.
     */
    private void greedyPass(int chunks, ComputePool pool) {
        int k = st.entries;
        float[] hgg = new float[G * G];
        float[] q = new float[st.books * k];
        Worker[] workers = new Worker[chunks];
        for (int c = 0; c < chunks; c++) {
            workers[c] = new Worker(hgg, q);
        }
        int slices = st.books * (k / QUADRATIC_SLICE);
        long work = (long) ROW_BLOCK * st.books * k * 9;
        for (int g = 0; g < st.groups; g++) {
            copyDiagonalBlock(g, hgg);
            pool.forEach(slices, QUADRATIC_SLICE * 72L, i -> {
                int m = i / (k / QUADRATIC_SLICE);
                int k0 = i % (k / QUADRATIC_SLICE) * QUADRATIC_SLICE;
                CodewordScores.quadratic(ct, m * G * k, k, k0, k0 + QUADRATIC_SLICE, hgg, q, m * k);
            });
            int group = g;
            pool.forEach(chunks, work, c -> workers[c].greedy(c * ROW_BLOCK, Math.min(st.rows, (c + 1) * ROW_BLOCK), group));
        }
    }

    /** {@code H_gg}, the 8x8 block of H on group g's columns. */
    private void copyDiagonalBlock(int g, float[] hgg) {
        int c0 = g * G;
        for (int j = 0; j < G; j++) {
            System.arraycopy(h, (c0 + j) * st.cols + c0, hgg, j * G, G);
        }
    }

    /** One task's scratch. */
    private final class Worker {
        final int books = st.books;
        final int k = st.entries;
        final float[] hgg;
        final float[] q;
        final float[] scores = beam > 1 ? new float[k] : null;
        // Per row of the task (the beam search uses slot 0): target, reconstruction, pull of the others, tuple.
        final float[][] wg = new float[ROW_BLOCK][G];
        final float[][] old = new float[ROW_BLOCK][G];
        final float[][] rg = new float[ROW_BLOCK][G];
        final int[][] tuple = new int[ROW_BLOCK][books];
        final float[] e = new float[G];
        final float[] d = new float[G];
        final float[] coef = new float[ROW_BLOCK * G];
        final float[] squares = new float[ROW_BLOCK];
        final int[] best = new int[ROW_BLOCK];
        final float[] argminState = beam == 1 ? new float[CodewordScores.argminState(ROW_BLOCK)] : null;
        final float[] delta = new float[G];
        final int[][] hyps = new int[beam][books];
        final int[][] next = new int[beam][books];
        final float[] selCost = new float[beam];
        final int[] selHyp = new int[beam];
        final int[] selCode = new int[beam];
        int selCount;

        /** @param hgg group g's block of H and {@code q} its codewords' quadratic terms: own or shared */
        Worker(float[] hgg, float[] q) {
            this.hgg = hgg;
            this.q = q;
        }

        /** The beam search over every group of rows [r0, r1), filling its own {@code hgg} and {@code q}. */
        void rows(int r0, int r1) {
            for (int g = 0; g < st.groups; g++) {
                copyDiagonalBlock(g, hgg);
                for (int m = 0; m < books; m++) {
                    CodewordScores.quadratic(ct, m * G * k, k, 0, k, hgg, q, m * k);
                }
                for (int r = r0; r < r1; r++) {
                    group(r, g);
                }
            }
        }

        /**
         * Beam 1 for group g of rows [r0, r1) at once: each codebook in turn takes its best code with the others
         * fixed. The current code is among those scored, so no group gets worse.
         */
        private void greedy(int r0, int r1, int g) {
            int n = r1 - r0;
            for (int i = 0; i < n; i++) {
                prepare(r0 + i, g, i);
            }
            for (int m = 0; m < books; m++) {
                for (int i = 0; i < n; i++) {
                    float s = st.scales[r0 + i];
                    coefficients(s, tuple[i], m, i, i);
                    squares[i] = s * s;
                }
                CodewordScores.argmin(ct, m * G * k, k, q, m * k, n, squares, coef, argminState, best);
                for (int i = 0; i < n; i++) {
                    if (best[i] >= 0) {
                        tuple[i][m] = best[i];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (st.scales[r0 + i] != 0f) {
                    commit(r0 + i, g, tuple[i], i);
                }
            }
        }

        /**
         * Slot i gets row r's group g: its target, current reconstruction and codes, and the pull of the other
         * groups {@code r_g = (EH)_g - H_gg e_g}.
         */
        private void prepare(int r, int g, int i) {
            float s = st.scales[r];
            int at = r * st.cols + g * G;
            int codeAt = (r * st.groups + g) * books;
            for (int j = 0; j < G; j++) {
                wg[i][j] = w[at + j];
                old[i][j] = s * codewordSum(codeAt, j);
                e[j] = old[i][j] - wg[i][j];
            }
            for (int j = 0; j < G; j++) {
                float t = eh[at + j];
                for (int c = 0; c < G; c++) {
                    t -= hgg[j * G + c] * e[c];
                }
                rg[i][j] = t;
            }
            System.arraycopy(st.codes, codeAt, tuple[i], 0, books);
        }

        /**
         * The score of codebook m's codewords for slot i's tuple with that codebook left out: {@code coef} (at
         * {@code coef[8 * out..]}) such that the objective is {@code constant + s^2 q[c] + coef . c}; returns the
         * constant.
         */
        private float coefficients(float s, int[] codes, int m, int i, int out) {
            for (int j = 0; j < G; j++) {
                float u = 0f;
                for (int o = 0; o < books; o++) {
                    if (o != m) {
                        u += st.codebook[(o * k + codes[o]) * G + j];
                    }
                }
                d[j] = s * u - wg[i][j];
            }
            float constant = 0f;
            for (int j = 0; j < G; j++) {
                float hd = 0f;
                for (int c = 0; c < G; c++) {
                    hd += hgg[j * G + c] * d[c];
                }
                constant += d[j] * (2f * rg[i][j] + hd);
                coef[out * G + j] = 2f * s * (rg[i][j] + hd);
            }
            return constant;
        }

        /** Stores slot i's codes for row r's group g if they changed, and brings {@code EH} up to date. */
        private void commit(int r, int g, int[] codes, int i) {
            int codeAt = (r * st.groups + g) * books;
            boolean changed = false;
            for (int m = 0; m < books; m++) {
                changed |= codes[m] != st.codes[codeAt + m];
            }
            if (!changed) {
                return;
            }
            System.arraycopy(codes, 0, st.codes, codeAt, books);
            for (int j = 0; j < G; j++) {
                delta[j] = st.scales[r] * codewordSum(codeAt, j) - old[i][j];
            }
            addRows(delta, g, r);
        }

        private void group(int r, int g) {
            float s = st.scales[r];
            if (s == 0f) {
                return;
            }
            prepare(r, g, 0);
            System.arraycopy(tuple[0], 0, hyps[0], 0, books);
            int size = 1;
            for (int m = 0; m < books; m++) {
                selCount = 0;
                for (int hy = 0; hy < size; hy++) {
                    offerCodebook(s, hy, m);
                }
                for (int i = 0; i < selCount; i++) {
                    System.arraycopy(hyps[selHyp[i]], 0, next[i], 0, books);
                    next[i][m] = selCode[i];
                }
                for (int i = 0; i < selCount; i++) {
                    System.arraycopy(next[i], 0, hyps[i], 0, books);
                }
                size = selCount;
            }
            commit(r, g, hyps[0], 0);
        }

        /** The unscaled reconstruction of column j of the group at {@code codeAt}, in the format's order. */
        private float codewordSum(int codeAt, int j) {
            float v = st.codebook[st.codes[codeAt] * G + j];
            for (int m = 1; m < books; m++) {
                v += st.codebook[(m * k + st.codes[codeAt + m]) * G + j];
            }
            return v;
        }

        /** Every code of codebook m on hypothesis hy, offered to the selection. */
        private void offerCodebook(float s, int hy, int m) {
            float constant = coefficients(s, hyps[hy], m, 0, 0);
            CodewordScores.linear(ct, m * G * k, k, q, m * k, s * s, coef, scores);
            float limit = threshold() - constant;
            // The limit only falls, so a vector of scores none of which is below it now has nothing to offer later.
            for (int c0 = 0; c0 < k; c0 += L) {
                if (!CodewordScores.anyBelow(scores, c0, limit)) {
                    continue;
                }
                for (int c = c0; c < c0 + L; c++) {
                    if (scores[c] < limit) {
                        offer(constant + scores[c], hy, c);
                        limit = threshold() - constant;
                    }
                }
            }
        }

        private float threshold() {
            return selCount < beam ? Float.POSITIVE_INFINITY : selCost[beam - 1];
        }

        /**
         * Inserts a candidate tuple (hypothesis hy with code c for codebook m) in cost order. No two offers of a pass
         * are the same tuple: the hypotheses of codebook m are distinct and all still hold the starting code at m and
         * after, so they differ before m, and each (hy, c) is offered once.
         */
        private void offer(float cost, int hy, int c) {
            int pos = Math.min(selCount, beam - 1);
            while (pos > 0 && selCost[pos - 1] > cost) {
                selCost[pos] = selCost[pos - 1];
                selHyp[pos] = selHyp[pos - 1];
                selCode[pos] = selCode[pos - 1];
                pos--;
            }
            selCost[pos] = cost;
            selHyp[pos] = hy;
            selCode[pos] = c;
            selCount = Math.min(beam, selCount + 1);
        }


        /** {@code EH_r += delta H[g rows]}: eight fused axpys over the row. */
        private void addRows(float[] dl, int g, int r) {
            int cols = st.cols;
            int er = r * cols;
            int h0 = g * G * cols;
            int c = 0;
            if (VectorSupport.enabled()) {
                FloatVector d0 = FloatVector.broadcast(S, dl[0]), d1 = FloatVector.broadcast(S, dl[1]);
                FloatVector d2 = FloatVector.broadcast(S, dl[2]), d3 = FloatVector.broadcast(S, dl[3]);
                FloatVector d4 = FloatVector.broadcast(S, dl[4]), d5 = FloatVector.broadcast(S, dl[5]);
                FloatVector d6 = FloatVector.broadcast(S, dl[6]), d7 = FloatVector.broadcast(S, dl[7]);
                for (int bound = S.loopBound(cols); c < bound; c += L) {
                    int p = h0 + c;
                    FloatVector a = FloatVector.fromArray(S, eh, er + c);
                    a = FloatVector.fromArray(S, h, p).fma(d0, a);
                    a = FloatVector.fromArray(S, h, p + cols).fma(d1, a);
                    a = FloatVector.fromArray(S, h, p + 2 * cols).fma(d2, a);
                    a = FloatVector.fromArray(S, h, p + 3 * cols).fma(d3, a);
                    a = FloatVector.fromArray(S, h, p + 4 * cols).fma(d4, a);
                    a = FloatVector.fromArray(S, h, p + 5 * cols).fma(d5, a);
                    a = FloatVector.fromArray(S, h, p + 6 * cols).fma(d6, a);
                    a = FloatVector.fromArray(S, h, p + 7 * cols).fma(d7, a);
                    a.intoArray(eh, er + c);
                }
            }
            for (; c < cols; c++) {
                float a = eh[er + c];
                for (int j = 0; j < G; j++) {
                    a = Math.fma(h[h0 + j * cols + c], dl[j], a);
                }
                eh[er + c] = a;
            }
        }
    }
}
