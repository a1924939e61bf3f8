package org.quantbench.eval.tasks;

/** How a task's items are scored. */
public enum TaskKind {
    /** lm-eval {@code multiple_choice}: {@code acc} and {@code acc_norm} over the choices' log-likelihoods. */
    MULTIPLE_CHOICE,
    /** lm-eval {@code loglikelihood} (LAMBADA): {@code acc} = every token of the last word is the greedy pick; {@code perplexity}. */
    LAST_WORD
}
