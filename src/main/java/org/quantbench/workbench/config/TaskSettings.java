package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Multiple-choice tasks as {@code eval.tasks.TaskCatalog} names them ({@code arc_easy}, {@code mmlu}, {@code name=PATH}).
 *
 * @param limit      items per task (0 = all): the first N, or N drawn with {@code sampleSeed}
 * @param sampleSeed draw the {@code limit} items at random with this seed (null: the first N)
 * @param dataDir    the task data folder (default {@code ${QUANTBENCH_SHARED}/data})
 * @param batch      items scored concurrently (scores do not depend on it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSettings(List<String> names, Integer limit, Long sampleSeed, Integer numFewshot, String dataDir,
                           Integer batch) {
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
    }
}
