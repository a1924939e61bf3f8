package org.quantbench.workbench.run;

/** What a step measures; each kind stores its rows under one step name (see docs/run-config.md). */
public enum StepKind {
    /** Load (base) or quantize (scheme): bits/weight, resident and disk bytes, quantize time, peak RSS. */
    MEMORY,
    PERPLEXITY,
    /** Against the base, on the same tokens; not for the base itself. */
    KLD,
    TASK,
    THROUGHPUT
}
