package org.quantbench.eval.kld;

import org.quantbench.eval.LogProbs;

/**
 * The summary of one next-token distribution that the base-logits cache stores: the log-probabilities of a set of
 * tokens (the base model's top k) and the log of the probability mass of all other tokens. Both sides of a KL
 * divergence are summarised by this same code, in float after a double-precision log-softmax, so a model compared
 * with itself gives identical numbers and a KL of exactly 0.
 */
final class TopLogits {
    private TopLogits() {}

    /** Ids of the k largest logits, largest first, ties to the lower id (so ids[0] is the argmax). */
    static int[] topK(float[] logits, int off, int vocab, int k) {
        int[] ids = new int[k];
        float[] vals = new float[k];
        int count = 0;
        for (int i = 0; i < vocab; i++) {
            float v = logits[off + i];
            if (count == k && !(v > vals[k - 1])) {
                continue;
            }
            int pos = count < k ? count : k - 1;
            while (pos > 0 && vals[pos - 1] < v) {
                pos--;
            }
            int move = Math.min(count, k - 1) - pos;
            System.arraycopy(ids, pos, ids, pos + 1, move);
            System.arraycopy(vals, pos, vals, pos + 1, move);
            ids[pos] = i;
            vals[pos] = v;
            count = Math.min(count + 1, k);
        }
        return ids;
    }

    /**
     * Fills {@code logProbs[j] = log p(ids[j])} and returns {@code log(1 - sum_j p(ids[j]))}, computed over the other
     * tokens directly (no cancellation); negative infinity when {@code ids} cover the vocabulary.
     *
     * @param lse the row's {@link LogProbs.Row#logSumExp()}, which the caller has for its own log-probabilities
     */
    static float summarize(float[] logits, int off, int vocab, double lse, int[] ids, float[] logProbs, boolean[] scratch) {
        for (int j = 0; j < ids.length; j++) {
            logProbs[j] = (float) (logits[off + ids[j]] - lse);
            scratch[ids[j]] = true;
        }
        double restMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            if (!scratch[i]) {
                restMax = Math.max(restMax, logits[off + i]);
            }
        }
        double rest = 0;
        if (restMax != Double.NEGATIVE_INFINITY) {
            for (int i = 0; i < vocab; i++) {
                if (!scratch[i]) {
                    rest += Math.exp(logits[off + i] - restMax);
                }
            }
        }
        for (int id : ids) {
            scratch[id] = false;
        }
        return rest == 0 ? Float.NEGATIVE_INFINITY : (float) (restMax + Math.log(rest) - lse);
    }

    /**
     * KL(P || Q) over the k tokens and one bucket for the rest: {@code sum_j p_j (log p_j - log q_j) + r_P (log r_P -
     * log r_Q)}. By the data-processing inequality this is at most the full KL, and equal when the rest bucket
     * holds no mass of P; base models put almost all their mass in their top 32.
     */
    static double kl(float[] logP, float logRestP, float[] logQ, float logRestQ) {
        double kl = 0;
        for (int j = 0; j < logP.length; j++) {
            kl += Math.exp(logP[j]) * ((double) logP[j] - logQ[j]);
        }
        if (logRestP != Float.NEGATIVE_INFINITY) {
            kl += Math.exp(logRestP) * ((double) logRestP - logRestQ);
        }
        return kl;
    }
}
