package org.quantbench.workbench.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.eval.results.DataFile;
import org.quantbench.eval.tasks.ItemSelection;
import org.quantbench.eval.tasks.Metric;
import org.quantbench.eval.tasks.PromptBuilder;
import org.quantbench.eval.tasks.Task;
import org.quantbench.eval.tasks.TaskCatalog;
import org.quantbench.eval.tasks.TaskGroups;
import org.quantbench.eval.tasks.TaskResult;
import org.quantbench.eval.tasks.TaskRunner;
import org.quantbench.eval.tasks.TaskSpec;
import org.quantbench.workbench.config.TaskSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A multiple-choice task (or a group such as {@code mmlu}, stored as its aggregate) scored as lm-eval scores it. A
 * task that cannot be scored completely fails the step: no partial number is stored.
 */
final class TaskMeasurement implements Measurement {

    @Override
    public Prepared prepare(RunContext run, PlannedStep step) {
        TaskSettings s = run.config.evaluations().tasks();
        List<Task> available = load(run, step.taskRequest(), run.plan.paths().resolve(s.dataDir()));
        long fewShotSeed = s.sampleSeed() != null ? s.sampleSeed() : PromptBuilder.DEFAULT_FEWSHOT_SEED;
        Set<Path> files = new LinkedHashSet<>();
        available.forEach(t -> files.addAll(t.dataFiles()));
        List<DataFile> data = files.stream().map(DataFile::of).toList();
        String name = step.step().substring("task:".length());
        Selected selected = select(s, name, available);
        List<Task> tasks = selected.tasks();
        List<ItemSelection> selections = selected.selections();
        String definition = "task " + name + (available.size() > 1 ? " (" + available.size() + " subtasks, aggregated)" : "")
                + ": " + selected.description() + ", " + s.numFewshot() + "-shot, few-shot seed " + fewShotSeed
                + "; lm-eval multiple-choice scoring: acc = argmax of summed continuation log-likelihoods, acc_norm = "
                + "by UTF-8 bytes; inputs cut from the left at the model's context" + run.tokenizerTag();
        return new Prepared(definition, data, (model, progress) -> {
            var loaded = model.get(progress);
            TaskRunner runner = TaskRunner.onModel(loaded.model(), run.tokenizer, run.pool, s.batch());
            int total = 0;
            for (int i = 0; i < tasks.size(); i++) {
                total += selections.get(i).select(tasks.get(i).docs().size()).length;
            }
            int all = total;
            AtomicInteger before = new AtomicInteger();
            List<TaskResult> results = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                Task t = tasks.get(i);
                TaskResult r = runner.run(t, s.numFewshot(), fewShotSeed, selections.get(i), (task, done, n) ->
                        progress.update((double) (before.get() + done) / Math.max(all, 1), task + ": " + done + "/" + n + " items"));
                run.cancel.check();
                if (!r.complete()) {
                    throw new IllegalStateException(t.name() + " incomplete after " + r.items().size() + " items: " + r.error());
                }
                before.addAndGet(r.selected());
                results.add(r);
            }
            TaskResult result = tasks.size() == 1 && results.getFirst().task().equals(name) ? results.getFirst()
                    : TaskGroups.aggregate(name, results);
            List<Value> values = new ArrayList<>();
            for (Metric m : result.metrics()) {
                values.add(new Value(m.name(), m.value(), m.stderr() != null && Double.isFinite(m.stderr()) ? m.stderr() : null, null));
            }
            ObjectNode detail = JsonNodeFactory.instance.objectNode();
            detail.put("evaluator_definition", result.definition());
            detail.put("items_in_data", result.itemsInFile());
            detail.put("shots", result.shots());
            detail.put("group", tasks.size() > 1 || result.group() != null);
            detail.put("batch", s.batch());
            return new Measured(values, result.selected(), detail, "float activations, " + loaded.label() + " weights");
        });
    }

    /** The tasks to score, one item selection each, and how they were chosen. */
    private record Selected(List<Task> tasks, List<ItemSelection> selections, String description) {}

    /**
     * A task with a {@code samples} entry draws that many items across its subtasks in proportion to their sizes
     * (subtasks whose share rounds to 0 are left out); the others take {@code limit} of each.
     */
    private static Selected select(TaskSettings s, String name, List<Task> loaded) {
        int drawn = s.sampleOf(name);
        if (drawn == 0) {
            ItemSelection selection = new ItemSelection(s.limit(), s.sampleSeed());
            return new Selected(loaded, java.util.Collections.nCopies(loaded.size(), selection), selection.describe() + " of each");
        }
        long seed = s.sampleSeed() != null ? s.sampleSeed() : 0L;
        List<ItemSelection> drawnAcross = ItemSelection.drawnAcross(drawn, seed,
                loaded.stream().mapToInt(t -> t.docs().size()).toArray());
        List<Task> tasks = new ArrayList<>();
        List<ItemSelection> selections = new ArrayList<>();
        int items = 0;
        for (int i = 0; i < loaded.size(); i++) {
            if (drawnAcross.get(i) != null) {
                tasks.add(loaded.get(i));
                selections.add(drawnAcross.get(i));
                items += drawnAcross.get(i).limit();
            }
        }
        return new Selected(tasks, selections, items + " items drawn with seed " + seed
                + (loaded.size() > 1 ? " across the subtasks, each in proportion to its size" : ""));
    }

    private static List<Task> load(RunContext run, String request, Path dataDir) {
        if (request.startsWith("spec:")) {
            return List.of(TaskSpec.load(run.plan.paths().resolve(request.substring(5).strip())));
        }
        int eq = request.indexOf('=');
        String resolved = eq < 0 ? request
                : request.substring(0, eq).strip() + "=" + run.plan.paths().resolve(request.substring(eq + 1).strip());
        return TaskCatalog.resolve(resolved, dataDir);
    }
}
