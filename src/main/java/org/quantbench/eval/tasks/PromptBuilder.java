package org.quantbench.eval.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns an item into its requests the way lm-eval's {@code fewshot_context} does: description, then k examples
 * each written as answered and followed by the few-shot delimiter, then the item itself.
 */
public final class PromptBuilder {
    /** lm-eval's default {@code fewshot_seed}. */
    public static final long DEFAULT_FEWSHOT_SEED = 1234;

    private final Task task;
    private final int shots;
    private final long seed;

    public PromptBuilder(Task task, int shots, long seed) {
        if (shots < 0) {
            throw new IllegalArgumentException("number of few-shot examples must be >= 0, got " + shots);
        }
        if (shots > 0 && task.kind() == TaskKind.LAST_WORD) {
            throw new IllegalArgumentException(task.name() + " is scored zero-shot only (a last-word task)");
        }
        int available = task.fewShotPool() != null ? task.fewShotPool().size() : task.docs().size() - 1;
        if (shots > available) {
            throw new IllegalArgumentException(task.name() + ": " + shots + "-shot needs " + shots
                    + " examples but only " + Math.max(available, 0) + " are available");
        }
        this.task = task;
        this.shots = shots;
        this.seed = seed;
    }

    public int shots() { return shots; }

    /** The requests of item {@code index} of the task. */
    public List<Request> requests(int index) {
        Doc doc = task.docs().get(index);
        StringBuilder prefix = new StringBuilder(task.description());
        for (Doc example : examples(index)) {
            prefix.append(example.answered(task.targetDelimiter())).append(task.fewShotDelimiter());
        }
        return doc.requests(prefix.toString(), task.targetDelimiter());
    }

    private List<Doc> examples(int index) {
        if (shots == 0) {
            return List.of();
        }
        boolean ownPool = task.fewShotPool() == null;
        List<Doc> pool = ownPool ? task.docs() : task.fewShotPool();
        int exclude = ownPool ? index : -1;
        int[] picked = new int[shots];
        if (task.fewShotSampling() == FewShotSampling.FIRST_N) {
            for (int i = 0, j = 0; i < shots; j++) {
                if (j != exclude) {
                    picked[i++] = j;
                }
            }
        } else {
            // Seeded by the item's line, so an item's prompt does not depend on which other items are scored.
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + task.docs().get(index).line());
            for (int i = 0; i < shots; ) {
                int j = random.nextInt(pool.size());
                if (j != exclude && !contains(picked, i, j)) {
                    picked[i++] = j;
                }
            }
        }
        Doc[] out = new Doc[shots];
        for (int i = 0; i < shots; i++) {
            out[i] = pool.get(picked[i]);
        }
        return List.of(out);
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    public String describe() {
        if (shots == 0) {
            return "0-shot";
        }
        String from = task.fewShotPool() == null ? "the task's own items (the scored item excluded)" : "the few-shot split";
        return shots + "-shot: " + (task.fewShotSampling() == FewShotSampling.FIRST_N ? "the first " + shots
                : shots + " drawn per item (seed " + seed + ")") + " of " + from;
    }
}
