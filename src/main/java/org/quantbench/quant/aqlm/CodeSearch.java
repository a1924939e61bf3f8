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
 * {@code delta}, {@code EH_r += delta H[g rows]}.
 * <p>
 * Rows are independent: tasks take fixed blocks of rows, so the result does not depend on the thread count.
 */
final class CodeSearch {
    private static final int G = AqlmLinear.GROUP;
    private static final int ROW_BLOCK = 32;
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
        long work = (long) ROW_BLOCK * st.groups * ((long) beam * st.books * st.entries * 9 + 8L * st.cols);
        pool.forEach(chunks, work, c -> search.new Worker().rows(c * ROW_BLOCK, Math.min(st.rows, (c + 1) * ROW_BLOCK)));
    }

    /** One task's scratch. */
    private final class Worker {
        final int books = st.books;
        final int k = st.entries;
        final float[] hgg = new float[G * G];
        final float[] q = new float[books * k];
        final float[] scores = new float[k];
        final float[] wg = new float[G];
        final float[] old = new float[G];
        final float[] e = new float[G];
        final float[] rg = new float[G];
        final float[] d = new float[G];
        final float[] coef = new float[G];
        final float[] delta = new float[G];
        final int[][] hyps = new int[beam][books];
        final int[][] next = new int[beam][books];
        final float[] selCost = new float[beam];
        final int[] selHyp = new int[beam];
        final int[] selCode = new int[beam];
        int selCount;

        void rows(int r0, int r1) {
            for (int g = 0; g < st.groups; g++) {
                int c0 = g * G;
                for (int j = 0; j < G; j++) {
                    System.arraycopy(h, (c0 + j) * st.cols + c0, hgg, j * G, G);
                }
                for (int m = 0; m < books; m++) {
                    CodewordScores.quadratic(ct, m * G * k, k, hgg, q, m * k);
                }
                for (int r = r0; r < r1; r++) {
                    group(r, g);
                }
            }
        }

        private void group(int r, int g) {
            float s = st.scales[r];
            if (s == 0f) {
                return;
            }
            int at = r * st.cols + g * G;
            int codeAt = (r * st.groups + g) * books;
            for (int j = 0; j < G; j++) {
                wg[j] = w[at + j];
                old[j] = s * codewordSum(codeAt, j);
                e[j] = old[j] - wg[j];
            }
            for (int j = 0; j < G; j++) {
                float t = eh[at + j];
                for (int i = 0; i < G; i++) {
                    t -= hgg[j * G + i] * e[i];
                }
                rg[j] = t;
            }
            for (int m = 0; m < books; m++) {
                hyps[0][m] = st.codes[codeAt + m];
            }
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
            boolean changed = false;
            for (int m = 0; m < books; m++) {
                changed |= hyps[0][m] != st.codes[codeAt + m];
            }
            if (!changed) {
                return;
            }
            System.arraycopy(hyps[0], 0, st.codes, codeAt, books);
            for (int j = 0; j < G; j++) {
                delta[j] = s * codewordSum(codeAt, j) - old[j];
            }
            addRows(delta, g, r);
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
            int[] tuple = hyps[hy];
            for (int j = 0; j < G; j++) {
                float u = 0f;
                for (int o = 0; o < books; o++) {
                    if (o != m) {
                        u += st.codebook[(o * k + tuple[o]) * G + j];
                    }
                }
                d[j] = s * u - wg[j];
            }
            float constant = 0f;
            for (int j = 0; j < G; j++) {
                float hd = 0f;
                for (int i = 0; i < G; i++) {
                    hd += hgg[j * G + i] * d[i];
                }
                constant += d[j] * (2f * rg[j] + hd);
                coef[j] = 2f * s * (rg[j] + hd);
            }
            CodewordScores.linear(ct, m * G * k, k, q, m * k, s * s, coef, scores);
            float limit = threshold() - constant;
            for (int c = 0; c < k; c++) {
                if (scores[c] < limit) {
                    offer(constant + scores[c], hy, c, m);
                    limit = threshold() - constant;
                }
            }
        }

        private float threshold() {
            return selCount < beam ? Float.POSITIVE_INFINITY : selCost[beam - 1];
        }

        /** Inserts a candidate tuple (hypothesis hy with code c for codebook m) in cost order, skipping duplicates. */
        private void offer(float cost, int hy, int c, int m) {
            for (int i = 0; i < selCount; i++) {
                if (selCode[i] == c && sameExcept(hyps[selHyp[i]], hyps[hy], m)) {
                    return;
                }
            }
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

        private boolean sameExcept(int[] a, int[] b, int m) {
            for (int o = 0; o < books; o++) {
                if (o != m && a[o] != b[o]) {
                    return false;
                }
            }
            return true;
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
