package org.quantbench.eval.tasks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which items of a task are scored: all, the first {@code limit}, or (with a seed) {@code limit} drawn at random
 * without replacement and kept in file order.
 */
public record ItemSelection(int limit, Long seed) {
    public static final ItemSelection ALL = new ItemSelection(0, null);

    public ItemSelection {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
    }

    /** Indices into a task of {@code size} items, ascending. */
    public int[] select(int size) {
        if (limit == 0 || limit >= size) {
            return java.util.stream.IntStream.range(0, size).toArray();
        }
        if (seed == null) {
            return java.util.stream.IntStream.range(0, limit).toArray();
        }
        int[] all = java.util.stream.IntStream.range(0, size).toArray();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < limit; i++) {
            int j = i + random.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] picked = Arrays.copyOf(all, limit);
        Arrays.sort(picked);
        return picked;
    }

    public String describe() {
        return limit == 0 ? "all items" : seed == null ? "first " + limit + " items" : limit + " items drawn with seed " + seed;
    }
}
