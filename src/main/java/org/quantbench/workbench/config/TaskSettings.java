package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiple-choice tasks as {@code eval.tasks.TaskCatalog} names them ({@code arc_easy}, {@code mmlu}, {@code name=PATH}).
 *
 * @param limit      items per task (0 = all): the first N, or N drawn with {@code sampleSeed}
 * @param sampleSeed draw the {@code limit} items at random with this seed (null: the first N)
 * @param dataDir    the task data folder (default {@code ${QUANTBENCH_SHARED}/data})
 * @param batch      items scored concurrently (scores do not depend on it)
 * @param samples    per listed task, a number of items drawn at random instead of {@code limit}, across all of a
 *                   group's subtasks together (each subtask in proportion to its size), with {@code sampleSeed} (0
 *                   when unset): e.g. {@code {"mmlu": 1000}}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSettings(List<String> names, Integer limit, Long sampleSeed, Integer numFewshot, String dataDir,
                           Integer batch, Map<String, Integer> samples) {
    /** Without per-task samples. */
    public TaskSettings(List<String> names, Integer limit, Long sampleSeed, Integer numFewshot, String dataDir, Integer batch) {
        this(names, limit, sampleSeed, numFewshot, dataDir, batch, null);
    }

    public TaskSettings {
        if (names == null || names.isEmpty()) {
            throw new ConfigFieldException("names", "is required: at least one task, e.g. [\"arc_easy\", \"piqa\"]");
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || names.get(i).isBlank()) {
                throw new ConfigFieldException("names[" + i + "]", "is empty");
            }
        }
        names = List.copyOf(names);
        limit = Positive.limit("limit", limit);
        numFewshot = Positive.limit("numFewshot", numFewshot);
        dataDir = dataDir == null ? "${QUANTBENCH_SHARED}/data" : dataDir;
        batch = Positive.orDefault("batch", batch, 1);
        samples = samples == null || samples.isEmpty() ? null : checkedSamples(names, samples);
    }

    /** The task an entry of {@code names} runs: {@code mmlu} for {@code mmlu=PATH}, the file for {@code spec:FILE}. */
    public static String taskName(String entry) {
        return entry.startsWith("spec:") ? entry.substring(5) : entry.split("=", 2)[0].strip();
    }

    /** The items to draw from {@code task} (as {@link #taskName} gives it), 0 when it takes {@code limit}. */
    public int sampleOf(String task) {
        return samples == null ? 0 : samples.getOrDefault(task, 0);
    }

    private static Map<String, Integer> checkedSamples(List<String> names, Map<String, Integer> samples) {
        Map<String, Integer> copy = new LinkedHashMap<>();
        List<String> tasks = names.stream().map(TaskSettings::taskName).toList();
        samples.forEach((task, n) -> {
            if (!tasks.contains(task)) {
                throw new ConfigFieldException("samples." + task, "names no task of \"names\" " + tasks);
            }
            copy.put(task, Positive.orDefault("samples." + task, n, 1));
        });
        return Collections.unmodifiableMap(copy);
    }
}
