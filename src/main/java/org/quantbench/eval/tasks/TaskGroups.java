package org.quantbench.eval.tasks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Aggregates of task groups (MMLU's subjects) as lm-eval reports them. */
public final class TaskGroups {
    private TaskGroups() {}

    /**
     * The group's result: each metric as the mean over all the members' items (lm-eval's {@code weight_by_size}),
     * with the pooled standard error; complete only when every member is.
     */
    public static TaskResult aggregate(String group, List<TaskResult> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("group " + group + " has no tasks");
        }
        List<ItemScore> items = new ArrayList<>();
        LinkedHashSet<Path> files = new LinkedHashSet<>();
        double seconds = 0;
        int inFile = 0;
        int selected = 0;
        String error = null;
        for (TaskResult m : members) {
            items.addAll(m.items());
            files.addAll(m.dataFiles());
            seconds += m.seconds();
            inFile += m.itemsInFile();
            selected += m.selected();
            if (!m.complete() && error == null) {
                error = m.task() + ": " + m.error();
            }
        }
        List<Metric> metrics = new ArrayList<>();
        if (error == null) {
            for (Metric first : members.getFirst().metrics()) {
                int k = members.size();
                double[] values = new double[k];
                Double[] stderrs = new Double[k];
                int[] sizes = new int[k];
                for (int i = 0; i < k; i++) {
                    Metric m = members.get(i).metric(first.name());
                    values[i] = m.value();
                    stderrs[i] = m.stderr();
                    sizes[i] = members.get(i).items().size();
                }
                metrics.add(TaskMetrics.pooled(first.name(), values, stderrs, sizes));
            }
        }
        String definition = group + ": each metric is the mean over all items of its " + members.size()
                + " tasks (lm-eval weight_by_size) with lm-eval's pooled standard error; first task: "
                + members.getFirst().definition();
        TaskResult first = members.getFirst();
        return new TaskResult(group, null, first.kind(), definition, inFile, selected, first.shots(), items, metrics,
                error == null, error, seconds, new ArrayList<>(files));
    }
}
