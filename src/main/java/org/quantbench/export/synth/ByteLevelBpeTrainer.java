package org.quantbench.export.synth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns byte-level BPE merges from weighted words: repeatedly merges the most frequent adjacent pair (ties broken
 * by the pair's text, so the result is deterministic). Words are already in {@link ByteLevelAlphabet} form.
 */
final class ByteLevelBpeTrainer {

    /** A learned merge: {@code left + right} becomes one token. */
    record Merge(String left, String right) {
        String merged() { return left + right; }
    }

    private record Pair(String left, String right) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair o) {
            int c = left.compareTo(o.left);
            return c != 0 ? c : right.compareTo(o.right);
        }
    }

    private ByteLevelBpeTrainer() {}

    /** Up to {@code maxMerges} merges, fewer when every word has become a single token. */
    static List<Merge> train(Map<String, Long> weightedWords, int maxMerges) {
        List<List<String>> words = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        weightedWords.forEach((word, weight) -> {
            List<String> symbols = new ArrayList<>();
            word.codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
            words.add(symbols);
            weights.add(weight);
        });
        List<Merge> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<Pair, Long> counts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> symbols = words.get(w);
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    counts.merge(new Pair(symbols.get(i), symbols.get(i + 1)), weights.get(w), Long::sum);
                }
            }
            Pair best = null;
            long bestCount = 0;
            for (var entry : counts.entrySet()) {
                long count = entry.getValue();
                if (count > bestCount || (count == bestCount && entry.getKey().compareTo(best) < 0)) {
                    best = entry.getKey();
                    bestCount = count;
                }
            }
            if (best == null) {
                break;
            }
            merges.add(new Merge(best.left, best.right));
            for (List<String> symbols : words) {
                apply(symbols, best);
            }
        }
        return merges;
    }

    private static void apply(List<String> symbols, Pair pair) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
            if (symbols.get(i).equals(pair.left) && symbols.get(i + 1).equals(pair.right)) {
                symbols.set(i, pair.left + pair.right);
                symbols.remove(i + 1);
            }
        }
    }
}
