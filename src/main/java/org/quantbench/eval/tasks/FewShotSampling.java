package org.quantbench.eval.tasks;

/** How k-shot examples are picked from a task's few-shot pool. */
public enum FewShotSampling {
    /** The first k of the pool, the same for every item (lm-eval's {@code first_n}, MMLU's dev split). */
    FIRST_N,
    /** k distinct examples drawn per item from a generator seeded by the run's seed and the item's line. */
    SEEDED_RANDOM
}
