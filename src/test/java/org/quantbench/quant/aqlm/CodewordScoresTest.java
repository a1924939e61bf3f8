package org.quantbench.quant.aqlm;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CodewordScoresTest {
    private static final int G = AqlmLinear.GROUP;

    /** The argmin written plainly: {@link CodewordScores#linear}'s scores, then the first strict minimum. */
    private static int reference(float[] ct, int ctOff, int entries, float[] base, float a, float[] coef, int row) {
        float[] c = java.util.Arrays.copyOfRange(coef, row * G, row * G + G);
        float[] scores = new float[entries];
        CodewordScores.linear(ct, ctOff, entries, base, 0, a, c, scores);
        int best = -1;
        float min = Float.POSITIVE_INFINITY;
        for (int k = 0; k < entries; k++) {
            if (scores[k] < min) {
                min = scores[k];
                best = k;
            }
        }
        return best;
    }

    @Test
    void argminMatchesScoresThenScanOnOddRowCountsAndBothCodebookSizes() {
        Random rnd = new Random(11);
        for (int entries : new int[] {256, 65536}) {
            for (int rows : new int[] {1, 2, 3, 5, 8}) {
                int ctOff = entries * G;  // the second codebook of two
                float[] ct = new float[2 * entries * G];
                for (int i = 0; i < ct.length; i++) {
                    ct[i] = (float) rnd.nextGaussian();
                }
                float[] base = new float[entries];
                for (int k = 0; k < entries; k++) {
                    base[k] = (float) Math.abs(rnd.nextGaussian());
                }
                float[] a = new float[rows];
                float[] coef = new float[rows * G];
                for (int i = 0; i < rows; i++) {
                    a[i] = (float) (0.5 + rnd.nextDouble());
                    for (int j = 0; j < G; j++) {
                        coef[i * G + j] = (float) (3 * rnd.nextGaussian());
                    }
                }
                int[] best = new int[rows];
                CodewordScores.argmin(ct, ctOff, entries, base, 0, rows, a, coef, new float[CodewordScores.argminState(rows)], best);
                for (int i = 0; i < rows; i++) {
                    assertThat(best[i]).as("%d entries, row %d of %d", entries, i, rows)
                            .isEqualTo(reference(ct, ctOff, entries, base, a[i], coef, i));
                }
            }
        }
    }

    @Test
    void tiesGoToTheLowestIndexAndNaNScoresToNone() {
        int entries = 1024;
        float[] ct = new float[entries * G];
        float[] base = new float[entries];
        java.util.Arrays.fill(base, 1f);
        // Codewords 700 and 37 (and 999, in another lane and block) are equal and best; every other is worse.
        for (int k : new int[] {999, 700, 37}) {
            for (int j = 0; j < G; j++) {
                ct[j * entries + k] = 1f;
            }
        }
        float[] coef = new float[3 * G];
        java.util.Arrays.fill(coef, 0, 2 * G, -1f);
        java.util.Arrays.fill(coef, 2 * G, 3 * G, Float.NaN);
        int[] best = new int[3];
        CodewordScores.argmin(ct, 0, entries, base, 0, 3, new float[] {1f, 2f, 1f}, coef,
                new float[CodewordScores.argminState(3)], best);
        assertThat(best).containsExactly(37, 37, -1);
    }
}
