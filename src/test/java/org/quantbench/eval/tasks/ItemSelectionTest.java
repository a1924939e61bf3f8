package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ItemSelectionTest {

    @Test
    void proportionalSharesSumToTheSampleAndFollowTheSizes() {
        int[] sizes = {100, 135, 1534, 311, 7, 272};
        int[] shares = ItemSelection.proportionalShares(1000, sizes);
        int all = IntStream.of(sizes).sum();
        assertThat(IntStream.of(shares).sum()).isEqualTo(1000);
        for (int i = 0; i < sizes.length; i++) {
            double exact = 1000.0 * sizes[i] / all;
            assertThat((double) shares[i]).as("share %d", i).isBetween(Math.floor(exact), Math.ceil(exact));
        }
        assertThat(ItemSelection.proportionalShares(1000, sizes)).isEqualTo(shares);
    }

    @Test
    void largestRemaindersGetTheLeftOverItemsAndTiesGoToTheEarlierTask() {
        assertThat(ItemSelection.proportionalShares(5, new int[] {10, 10, 10, 10})).containsExactly(2, 1, 1, 1);
        assertThat(ItemSelection.proportionalShares(2, new int[] {1, 3})).containsExactly(1, 1);
        assertThat(ItemSelection.proportionalShares(3, new int[] {5, 5, 1})).containsExactly(2, 1, 0);
    }

    @Test
    void aDrawAcrossTasksLeavesOutTheTasksWithNoShare() {
        assertThat(ItemSelection.drawnAcross(3, 9L, new int[] {5, 5, 1}))
                .containsExactly(new ItemSelection(2, 9L), new ItemSelection(1, 9L), null);
    }

    @Test
    void aSampleAsLargeAsTheTasksTakesEverything() {
        assertThat(ItemSelection.proportionalShares(50, new int[] {3, 4})).containsExactly(3, 4);
        assertThat(ItemSelection.proportionalShares(7, new int[] {3, 4})).containsExactly(3, 4);
    }

    @Test
    void seededSelectionsAreSortedDistinctAndReproducible() {
        int[] a = new ItemSelection(17, 7L).select(100);
        assertThat(a).hasSize(17).isSorted().doesNotHaveDuplicates();
        assertThat(new ItemSelection(17, 7L).select(100)).isEqualTo(a);
        assertThat(new ItemSelection(17, 8L).select(100)).isNotEqualTo(a);
        assertThat(new ItemSelection(17, null).select(100)).isEqualTo(IntStream.range(0, 17).toArray());
    }
}
