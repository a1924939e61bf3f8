package org.quantbench.eval.kld;

import org.junit.jupiter.api.Test;
import org.quantbench.eval.LogProbs;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TopLogitsTest {

    private static float summarize(float[] logits, int off, int vocab, int[] ids, float[] logProbs, boolean[] scratch) {
        return TopLogits.summarize(logits, off, vocab, LogProbs.Row.of(logits, off, vocab).logSumExp(), ids, logProbs, scratch);
    }

    @Test
    void topKIsLargestFirstWithTiesToTheLowerId() {
        float[] logits = {0f, 5f, 3f, 5f, -1f, 3f, 4f};
        assertThat(TopLogits.topK(logits, 0, 7, 4)).containsExactly(1, 3, 6, 2);
        assertThat(TopLogits.topK(logits, 0, 7, 7)).containsExactly(1, 3, 6, 2, 5, 0, 4);
        assertThat(LogProbs.Row.of(logits, 0, 7).argmax()).isEqualTo(1);
    }

    @Test
    void summaryMatchesADirectSoftmaxAndTheRestBucketHoldsTheRemainingMass() {
        SplittableRandom random = new SplittableRandom(3);
        int vocab = 300;
        float[] logits = new float[vocab + 5];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * 3);
        }
        int[] ids = TopLogits.topK(logits, 5, vocab, 8);
        float[] lp = new float[8];
        float rest = summarize(logits, 5, vocab, ids, lp, new boolean[vocab]);
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            z += Math.exp(logits[5 + i]);
        }
        double top = 0;
        for (int j = 0; j < 8; j++) {
            assertThat((double) lp[j]).isCloseTo(logits[5 + ids[j]] - Math.log(z), within(1e-5));
            top += Math.exp(lp[j]);
        }
        assertThat(Math.exp(rest)).isCloseTo(1 - top, within(1e-5));
        // the full vocabulary leaves no rest
        float[] all = new float[vocab];
        assertThat(summarize(logits, 5, vocab, TopLogits.topK(logits, 5, vocab, vocab), all, new boolean[vocab]))
                .isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void bucketedKlIsZeroForIdenticalDistributionsAndAtMostTheFullKl() {
        SplittableRandom random = new SplittableRandom(11);
        int vocab = 200;
        int k = 16;
        boolean[] scratch = new boolean[vocab];
        for (int trial = 0; trial < 20; trial++) {
            float[] p = new float[vocab];
            float[] q = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                p[i] = (float) (random.nextGaussian() * 2);
                q[i] = p[i] + (float) (random.nextGaussian() * 0.3);
            }
            int[] ids = TopLogits.topK(p, 0, vocab, k);
            float[] lp = new float[k];
            float[] lq = new float[k];
            float restP = summarize(p, 0, vocab, ids, lp, scratch);
            float restQ = summarize(q, 0, vocab, ids, lq, scratch);
            float[] lp2 = new float[k];
            assertThat(TopLogits.kl(lp, restP, lp2, summarize(p, 0, vocab, ids, lp2, scratch))).isZero();
            double full = 0;
            double zp = 0;
            double zq = 0;
            for (int i = 0; i < vocab; i++) {
                zp += Math.exp(p[i]);
                zq += Math.exp(q[i]);
            }
            for (int i = 0; i < vocab; i++) {
                double pi = Math.exp(p[i]) / zp;
                full += pi * (Math.log(pi) - (q[i] - Math.log(zq)));
            }
            double bucketed = TopLogits.kl(lp, restP, lq, restQ);
            assertThat(bucketed).isPositive().isLessThanOrEqualTo(full + 1e-6);
        }
    }
}
