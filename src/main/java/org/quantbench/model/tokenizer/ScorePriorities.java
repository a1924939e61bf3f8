package org.quantbench.model.tokenizer;

import java.util.Arrays;

/**
 * Turns piece scores into merge priorities for {@link MergeTable}: the highest score gets 0, equal scores share
 * a priority (so the leftmost pair wins between them, as in SentencePiece and llama2.c), and -0.0 equals 0.0.
 */
final class ScorePriorities {
    private final float[] negatedAscending;

    /** @param scores the scores of the pieces that can be merge results, in any order; no NaN */
    ScorePriorities(float[] scores, int count) {
        float[] negated = new float[count];
        for (int i = 0; i < count; i++) {
            negated[i] = 0.0f - scores[i]; // 0.0f - x is never -0.0, which would sort apart from 0.0
        }
        Arrays.sort(negated);
        int distinct = 0;
        for (float value : negated) {
            if (distinct == 0 || value != negated[distinct - 1]) {
                negated[distinct++] = value;
            }
        }
        negatedAscending = Arrays.copyOf(negated, distinct);
    }

    /** The priority of a score that was among those given. */
    int of(float score) {
        int index = Arrays.binarySearch(negatedAscending, 0.0f - score);
        if (index < 0) {
            throw new IllegalArgumentException("score " + score + " was not ranked");
        }
        return index;
    }
}
