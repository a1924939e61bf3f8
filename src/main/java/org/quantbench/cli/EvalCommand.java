package org.quantbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.eval.results.EvalRecord;
import org.quantbench.eval.results.EvalRecords;
import org.quantbench.eval.results.LmEvalResults;
import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.eval.results.RunSettings;
import org.quantbench.eval.tasks.ItemSelection;
import org.quantbench.eval.tasks.Metric;
import org.quantbench.eval.tasks.PromptBuilder;
import org.quantbench.eval.tasks.RequestLog;
import org.quantbench.eval.tasks.Task;
import org.quantbench.eval.tasks.TaskCatalog;
import org.quantbench.eval.tasks.TaskGroups;
import org.quantbench.eval.tasks.TaskKind;
import org.quantbench.eval.tasks.TaskResult;
import org.quantbench.eval.tasks.TaskRunner;
import org.quantbench.eval.tasks.TaskSpec;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.workbench.config.TaskSettings;
import org.quantbench.workbench.measure.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", description = {
        "Zero- and few-shot multiple-choice accuracy as lm-evaluation-harness scores it (acc, acc_norm with standard errors).",
        "Tasks: " + "arc_easy, arc_challenge, piqa, winogrande, mmlu (all subjects) or mmlu_<subject>, hellaswag, lambada;",
        "NAME=PATH reads a task from another file; --task-spec FILE adds your own JSONL/CSV task.",
        "Exits 1 when any task could not be scored completely (it is then reported as incomplete, never as a result)."})
final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK", description = "Tasks to run, comma-separated.")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--task-spec", paramLabel = "FILE", description = "A JSON task spec over your own data (repeatable).")
    List<Path> taskSpecs = new ArrayList<>();

    @Option(names = "--data", paramLabel = "DIR", description = "Folder of the task data (default: $QUANTBENCH_SHARED/data, else ../shared/data).")
    Path data;

    @Option(names = "--limit", paramLabel = "N", description = "Score N items per task: the first N, or N drawn at random with --seed (default: all).")
    int limit = 0;

    @Option(names = "--seed", paramLabel = "N", description = "Draw the --limit items at random with this seed; also seeds few-shot draws (default: first N; few-shot seed 1234).")
    Long seed;

    @Option(names = "--sample", paramLabel = "TASK=N", description = "Draw N items of TASK at random instead of --limit;"
            + " for a group (mmlu) across all its subjects, each in proportion to its size (repeatable; seed: --seed, else 0).")
    Map<String, Integer> samples = new LinkedHashMap<>();

    @Option(names = "--num-fewshot", paramLabel = "K", description = "Few-shot examples before each item (default 0). MMLU takes the first K of its dev split; other tasks draw K of their own items, the scored one excluded.")
    int numFewshot = 0;

    @Option(names = "--batch", paramLabel = "N", description = "Items scored concurrently, each on its own session and threads/N compute threads (default 1). Scores do not depend on it.")
    int batch = 1;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the results as lm-eval's results JSON, with a 'records' list carrying every number's provenance.")
    Path output;

    @Option(names = "--dump-requests", paramLabel = "FILE", description = "Write every scored (item, choice) as a JSON line:"
            + " context and continuation token ids and their log-likelihood, for cross-checks with another engine.")
    Path dumpRequests;

    @Override
    public Integer call() {
        if (tasks.isEmpty() && taskSpecs.isEmpty()) {
            throw new IllegalArgumentException("give --tasks and/or --task-spec");
        }
        checkSamples();
        Path dataDir = data != null ? data : defaultDataDir();
        long start = System.nanoTime();
        try (Checkpoint ckpt = options.open(); ComputePool pool = options.pool()) {
            Tokenizer tok = ModelOptions.tokenizerOf(ckpt);
            options.commandSeed = seed;
            try (LoadedModel loaded = options.load(ckpt)) {
                RunSettings settings = new RunSettings(pool.threads(), batch, seed, limit, numFewshot);
                TaskRunner runner = TaskRunner.onModel(loaded.model(), tok, pool, batch);
                ItemSelection selection = new ItemSelection(limit, seed);
                long fewShotSeed = seed != null ? seed : PromptBuilder.DEFAULT_FEWSHOT_SEED;
                System.out.printf("model: %s, weights %s, %d threads, batch %d; %s%n", ckpt.source(), loaded.label(),
                        pool.threads(), batch, loaded.arithmeticLine());
                List<TaskResult> results = new ArrayList<>();
                List<String> dumped = new ArrayList<>();
                Map<String, List<TaskResult>> groups = new LinkedHashMap<>();
                for (String request : requests()) {
                    List<Task> loadedTasks;
                    try {
                        loadedTasks = request.startsWith("spec:") ? List.of(TaskSpec.load(Path.of(request.substring(5))))
                                : TaskCatalog.resolve(request, dataDir);
                    } catch (FileFormatException | IllegalArgumentException | UncheckedIOException e) {
                        TaskResult failed = new TaskResult(request, null, null, "not loaded", 0, 0, numFewshot, List.of(),
                                List.of(), false, e.getMessage(), 0, List.of());
                        results.add(failed);
                        print(failed);
                        continue;
                    }
                    List<ItemSelection> selections = selections(request, loadedTasks, selection);
                    for (int i = 0; i < loadedTasks.size(); i++) {
                        Task task = loadedTasks.get(i);
                        ItemSelection picked = selections.get(i);
                        if (picked == null) {
                            continue;
                        }
                        TaskResult r = run(runner, task, picked, fewShotSeed);
                        results.add(r);
                        print(r);
                        if (dumpRequests != null) {
                            dumped.addAll(RequestLog.lines(r, runner.encodedRequests(task, numFewshot, fewShotSeed, picked)));
                        }
                        // A group's aggregate only when the whole group was asked for (mmlu, not mmlu_anatomy).
                        if (task.group() != null && task.group().equals(TaskSettings.taskName(request))) {
                            groups.computeIfAbsent(task.group(), g -> new ArrayList<>()).add(r);
                        }
                    }
                }
                for (Map.Entry<String, List<TaskResult>> g : groups.entrySet()) {
                    TaskResult aggregate = TaskGroups.aggregate(g.getKey(), g.getValue());
                    results.add(aggregate);
                    print(aggregate);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.println(loaded.memory(ckpt));
                if (dumpRequests != null) {
                    writeLines(dumpRequests, dumped);
                    System.out.println("wrote " + dumped.size() + " requests to " + dumpRequests.toAbsolutePath());
                }
                if (output != null) {
                    write(results, ModelIdentities.of(options, ckpt, loaded), settings, seconds);
                }
                return results.stream().allMatch(TaskResult::complete) ? 0 : 1;
            }
        }
    }

    private void checkSamples() {
        List<String> names = requests().stream().map(TaskSettings::taskName).toList();
        samples.forEach((task, n) -> {
            if (!names.contains(task)) {
                throw new IllegalArgumentException("--sample " + task + "=" + n + ": no such task among " + names);
            }
            if (n == null || n < 1) {
                throw new IllegalArgumentException("--sample " + task + "=" + n + ": N must be at least 1");
            }
        });
    }

    /**
     * One selection per task of a request: --limit's, or a --sample draw across them, each in proportion to its size
     * (null for a subtask whose share rounds to 0).
     */
    private List<ItemSelection> selections(String request, List<Task> tasks, ItemSelection limited) {
        Integer n = samples.get(TaskSettings.taskName(request));
        if (n == null) {
            return java.util.Collections.nCopies(tasks.size(), limited);
        }
        return ItemSelection.drawnAcross(n, seed != null ? seed : 0L, tasks.stream().mapToInt(t -> t.docs().size()).toArray());
    }

    /** Named tasks, then specs (marked so a spec path cannot be mistaken for a task name). */
    private List<String> requests() {
        List<String> all = new ArrayList<>();
        tasks.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(all::add);
        taskSpecs.forEach(p -> all.add("spec:" + p));
        return all;
    }

    private TaskResult run(TaskRunner runner, Task task, ItemSelection selection, long fewShotSeed) {
        try {
            long[] lastReport = {System.nanoTime()};
            return runner.run(task, numFewshot, fewShotSeed, selection, (name, done, total) -> {
                long now = System.nanoTime();
                synchronized (lastReport) {
                    if (now - lastReport[0] > 10_000_000_000L && done < total) {
                        lastReport[0] = now;
                        System.err.printf("  %s: %d/%d items%n", name, done, total);
                    }
                }
            });
        } catch (IllegalArgumentException e) {
            return new TaskResult(task.name(), task.group(), task.kind(), "not run", task.docs().size(), 0, numFewshot,
                    List.of(), List.of(), false, e.getMessage(), 0, task.dataFiles());
        }
    }

    private static void print(TaskResult r) {
        if (!r.complete()) {
            System.out.printf("%-40s INCOMPLETE (%d items scored): %s%n", r.task(), r.items().size(), r.error());
            return;
        }
        StringBuilder line = new StringBuilder(String.format("%-40s", r.task()));
        for (String name : List.of("acc", "acc_norm", "perplexity")) {
            Metric m = r.metric(name);
            if (m != null) {
                line.append(String.format("  %s %.4f", name, m.value()));
                line.append(m.stderr() != null ? String.format(" ± %.4f", m.stderr()) : "");
            } else if (name.equals("acc_norm") && r.kind() == TaskKind.MULTIPLE_CHOICE) {
                line.append(String.format("  %s %-15s", name, "-"));
            }
        }
        line.append(String.format("  items %d  %.1f s  %.1f items/s", r.items().size(), r.seconds(),
                r.items().size() / Math.max(r.seconds(), 1e-9)));
        System.out.println(line);
    }

    private static void writeLines(Path file, List<String> lines) {
        try {
            AtomicFileWriter.writeString(file, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(List<TaskResult> results, ModelIdentity identity, RunSettings settings, double seconds) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = LmEvalResults.of(results, identity, settings, seconds);
        EvalRecords records = new EvalRecords(identity, settings);
        List<EvalRecord> all = new ArrayList<>();
        for (TaskResult r : results) {
            all.addAll(records.of(r));
        }
        root.set("records", mapper.valueToTree(all));
        try {
            AtomicFileWriter.writeString(output, mapper.writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + output.toAbsolutePath());
    }

    static Path defaultDataDir() {
        String shared = System.getenv("QUANTBENCH_SHARED");
        return (shared != null && !shared.isBlank() ? Path.of(shared) : Path.of("..", "shared")).resolve("data");
    }
}
