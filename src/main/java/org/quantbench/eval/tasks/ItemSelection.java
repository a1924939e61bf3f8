package org.quantbench.eval.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * How many of {@code total} items each of tasks of the given sizes (a group's subtasks) contributes to a sample
     * drawn across them: each task's share in proportion to its size, rounded by largest remainders (ties to the
     * earlier task), never more than the task holds. Drawing each share at random gives a stratified sample, whose
     * mean is no noisier than that of a simple random sample of the same size.
     */
    public static int[] proportionalShares(int total, int[] sizes) {
        long all = 0;
        for (int size : sizes) {
            all += size;
        }
        if (total >= all) {
            return sizes.clone();
        }
        int[] share = new int[sizes.length];
        double[] remainder = new double[sizes.length];
        int given = 0;
        for (int i = 0; i < sizes.length; i++) {
            double exact = (double) total * sizes[i] / all;
            share[i] = (int) Math.floor(exact);
            remainder[i] = exact - share[i];
            given += share[i];
        }
        Integer[] order = java.util.stream.IntStream.range(0, sizes.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (x, y) -> Double.compare(remainder[y], remainder[x]));
        for (int k = 0; given < total; k++, given++) {
            share[order[k]]++;
        }
        return share;
    }

    /**
     * The selections of a sample of {@code total} items drawn across tasks of the given sizes with {@code seed}, one
     * per task in order ({@link #proportionalShares}); null for a task whose share rounds to 0.
     */
    public static List<ItemSelection> drawnAcross(int total, long seed, int[] sizes) {
        List<ItemSelection> out = new ArrayList<>();
        for (int share : proportionalShares(total, sizes)) {
            out.add(share == 0 ? null : new ItemSelection(share, seed));
        }
        return out;
    }

    public String describe() {
        return limit == 0 ? "all items" : seed == null ? "first " + limit + " items" : limit + " items drawn with seed " + seed;
    }
}
