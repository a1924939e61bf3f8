package org.quantbench.eval.tasks;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of one task run. {@code complete} is true only when every selected item was scored; otherwise
 * {@code error} says why, {@code metrics} is empty and {@code items} holds what was scored before the failure.
 *
 * @param itemsInFile how many items the task's file holds
 * @param selected    how many of them the run set out to score
 * @param definition  the metric definition in words: prompt, shots, selection, tokenization, normalisation
 */
public record TaskResult(String task, String group, TaskKind kind, String definition, int itemsInFile, int selected,
                         int shots, List<ItemScore> items, List<Metric> metrics, boolean complete, String error,
                         double seconds, List<Path> dataFiles) {

    public TaskResult {
        items = List.copyOf(items);
        metrics = List.copyOf(metrics);
        dataFiles = List.copyOf(dataFiles);
    }

    public Metric metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }
}
