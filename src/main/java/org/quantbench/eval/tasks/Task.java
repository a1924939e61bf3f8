package org.quantbench.eval.tasks;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded task: its items, how they become prompts and where they came from.
 *
 * @param description     text before the few-shot examples (MMLU's subject line), may be empty
 * @param promptFormat    the prompt in words, for the result's definition
 * @param fewShotPool     examples for k-shot prompts; null = the task's own items, the scored item excluded
 * @param reportsAccNorm  whether {@code acc_norm} is one of the task's metrics (lm-eval leaves it out of WinoGrande)
 * @param group           the aggregate this task belongs to (e.g. {@code mmlu}), or null
 */
public record Task(String name, TaskKind kind, String description, String promptFormat, List<Doc> docs,
                   List<Doc> fewShotPool, FewShotSampling fewShotSampling, String targetDelimiter,
                   String fewShotDelimiter, boolean reportsAccNorm, List<Path> dataFiles, String group) {

    public Task {
        docs = List.copyOf(docs);
        fewShotPool = fewShotPool == null ? null : List.copyOf(fewShotPool);
        dataFiles = List.copyOf(dataFiles);
    }

    /** A task with lm-eval's default delimiters: {@code " "} before the answer, a blank line after each example. */
    static Task of(String name, TaskKind kind, String description, String promptFormat, List<Doc> docs,
                   List<Doc> fewShotPool, FewShotSampling sampling, boolean reportsAccNorm, List<Path> dataFiles, String group) {
        return new Task(name, kind, description, promptFormat, docs, fewShotPool, sampling, " ", "\n\n",
                reportsAccNorm, dataFiles, group);
    }
}
