package org.quantbench.model.tokenizer;

import java.util.Arrays;

/**
 * BPE merge rules keyed by the pair of symbol ids: (left, right) -> (priority, merged id), in an open-addressing
 * table of longs. {@link #merge} applies them the way both BPE families do: repeatedly merge the adjacent pair
 * of lowest priority value, the leftmost among equals, until no adjacent pair has a rule. A heap of candidate
 * pairs makes that O(n log n) instead of a rescan per merge. Immutable once built.
 */
final class MergeTable {
    private static final long EMPTY = -1L;
    /** Marks a symbol that was merged into its left neighbour. */
    private static final int GONE = Integer.MIN_VALUE;

    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    MergeTable(int expectedRules) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedRules) * 2 - 1) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
    }

    /** A table of rules given as (left, right, priority, merged) quadruples, the first rule for a pair winning. */
    static MergeTable fromRules(IntList quadruples) {
        MergeTable table = new MergeTable(quadruples.size() / 4);
        for (int i = 0; i + 3 < quadruples.size(); i += 4) {
            table.addIfAbsent(quadruples.get(i), quadruples.get(i + 1), quadruples.get(i + 2), quadruples.get(i + 3));
        }
        return table;
    }

    int size() { return size; }

    /** Adds a rule unless the pair already has one (the first rule for a pair wins, as in merges files). */
    void addIfAbsent(int left, int right, int priority, int merged) {
        if (left < 0 || right < 0 || priority < 0) {
            throw new IllegalArgumentException("negative symbol or priority");
        }
        if ((size + 1) * 2 > keys.length) {
            throw new IllegalStateException("merge table sized for fewer rules");
        }
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = ((long) priority << 32) | (merged & 0xFFFFFFFFL);
        size++;
    }

    /** Whether some rule merges into {@code merged}. */
    boolean produces(int merged) {
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != EMPTY && (int) values[slot] == merged) {
                return true;
            }
        }
        return false;
    }

    /** (priority << 32 | merged id) of the rule for this pair, or -1 when there is none. */
    long find(int left, int right) {
        if (left < 0 || right < 0) {
            return EMPTY;
        }
        long key = key(left, right);
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                return EMPTY;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Merges {@code ids[0..n)} in place. Negative ids are symbols no rule applies to. Returns the positions of
     * the surviving symbols in order; {@code ids[position]} is then the final id of each (a merged symbol keeps
     * the position of its leftmost part, so callers can map survivors back to their input).
     */
    int[] merge(int[] ids, int n) {
        if (n < 2) {
            return n == 1 ? new int[] {0} : new int[0];
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(heap, ids, next, i, n);
        }
        int survivors = n;
        while (!heap.isEmpty()) {
            long entry = heap.poll();
            int left = (int) entry;
            int priority = (int) (entry >>> 32);
            if (ids[left] == GONE || next[left] >= n) {
                continue;
            }
            int right = next[left];
            long rule = find(ids[left], ids[right]);
            if (rule == EMPTY || (int) (rule >>> 32) != priority) {
                continue;
            }
            ids[left] = (int) rule;
            ids[right] = GONE;
            next[left] = next[right];
            if (next[right] < n) {
                prev[next[right]] = left;
            }
            survivors--;
            if (prev[left] >= 0) {
                offer(heap, ids, next, prev[left], n);
            }
            offer(heap, ids, next, left, n);
        }
        int[] positions = new int[survivors];
        int k = 0;
        for (int i = 0; i < n; i = next[i]) {
            positions[k++] = i;
        }
        return positions;
    }

    private void offer(LongHeap heap, int[] ids, int[] next, int left, int n) {
        int right = next[left];
        if (right >= n) {
            return;
        }
        long rule = find(ids[left], ids[right]);
        if (rule != EMPTY) {
            heap.add((rule & 0xFFFFFFFF00000000L) | left);
        }
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** A binary min-heap of longs: (priority << 32 | position) orders by priority, then leftmost. */
    private static final class LongHeap {
        private long[] heap;
        private int size;

        LongHeap(int capacity) {
            heap = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() { return size == 0; }

        void add(long value) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= value) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = value;
        }

        long poll() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= last) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
    }
}
