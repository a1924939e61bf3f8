package org.quantbench.workbench.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.RunConfigFile;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.table.LmEvalExport;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A task step on the shared ARC-Easy data: stored with stderr and provenance, exported in lm-eval's shape. */
class TaskStepTest {
    @TempDir
    Path dir;

    @Test
    void arcEasyStepStoresAccuracyWithProvenance() throws Exception {
        Path data = SharedData.require("data/arc/arc_easy.test.jsonl").getParent().getParent();
        try (ResultStore store = ResultStore.open(dir.resolve("db"))) {
            RunOutcome out = runOnStories260K(store, """
                    {"names": ["arc_easy"], "limit": 6, "sampleSeed": 7, "dataDir": "%s"}
                    """.formatted(data.toString().replace("\\", "/")));
            var acc = out.results().rows().stream().filter(r -> r.step().equals("task:arc_easy") && r.metric().equals("acc")).toList();
            assertThat(acc).extracting(ResultRow::scheme).containsExactly("base", "W8A8-INT");
            ResultRow base = acc.getFirst();
            assertThat(base.value()).isBetween(0.0, 1.0);
            assertThat(base.stderr()).isNotNull();
            assertThat(base.dataItems()).isEqualTo(6);
            assertThat(base.definition()).contains("6 items drawn with seed 7");
            assertThat(base.provenance().path("data").get(0).path("sha256").asText()).hasSize(64);
            var lmEval = LmEvalExport.of(out.results().rows(), "W8A8-INT").orElseThrow();
            assertThat(lmEval.path("results").path("arc_easy").has("acc,none")).isTrue();
            assertThat(lmEval.path("n-samples").path("arc_easy").path("effective").asInt()).isEqualTo(6);
            assertThat(lmEval.path("config").path("model_args").asText()).contains("scheme=W8A8-INT");
        }
    }
    /** A group with a per-task sample: the items are drawn across its subtasks, and the stored row says so. */
    @Test
    void aSampledGroupDrawsItsItemsAcrossTheSubtasks() throws Exception {
        Path mmlu = SharedData.mmluSubjects(dir, "anatomy", "astronomy", "virology");
        try (ResultStore store = ResultStore.open(dir.resolve("db"))) {
            RunOutcome out = runOnStories260K(store, """
                    {"names": ["mmlu=%s"], "limit": 2, "sampleSeed": 7, "samples": {"mmlu": 5}}
                    """.formatted(mmlu.toString().replace("\\", "/")));
            ResultRow base = out.results().rows().stream()
                    .filter(r -> r.scheme().equals("base") && r.step().equals("task:mmlu") && r.metric().equals("acc"))
                    .findFirst().orElseThrow();
            // 135, 152 and 166 questions: shares 1, 2, 2 of 5 (largest remainders), not the limit's 2 of each
            assertThat(base.dataItems()).isEqualTo(5);
            assertThat(base.definition()).contains("3 subtasks, aggregated", "5 items drawn with seed 7 across the subtasks");
        }
    }

    /** Runs the demo model and W8A8-INT through a task step with these task settings; no step may fail. */
    private RunOutcome runOnStories260K(ResultStore store, String taskSettings) throws Exception {
        Path config = Files.writeString(dir.resolve("tasks.json"), """
                {"name": "tasks", "model": {"path": "${DEMO}/stories260K.bin", "tokenizer": "${DEMO}/tok512.bin"},
                 "schemes": ["W8A8-INT"], "evaluations": {"tasks": %s}, "threads": 1}
                """.formatted(taskSettings.strip()));
        PathVariables paths = DemoRuns.paths(dir, dir.resolve("home"));
        RunPlan plan = RunPlan.of(RunConfigFile.read(config, paths), null, paths);
        RunOutcome out = new RunExecutor(store, new ModelLoading(dir.resolve("cache"))).execute(plan, RunListener.NONE, new CancelToken());
        assertThat(out.failed()).isZero();
        return out;
    }
}
