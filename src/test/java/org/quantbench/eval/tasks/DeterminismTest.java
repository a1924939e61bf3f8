package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;
import org.quantbench.engine.LlamaModel;
import org.quantbench.quant.ModelQuantizer;
import org.quantbench.quant.QuantizedModel;
import org.quantbench.quant.SchemeNames;
import org.quantbench.testing.SharedData;
import org.quantbench.tensor.ComputePool;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-choice log-likelihoods are bit-for-bit the same for batch 1, 2 and 8 and for 1, 2 and 4 compute threads. */
class DeterminismTest {

    private static TaskResult run(Task task, int shots, int threads, int batch) {
        return run(Stories260K.model(), task, shots, threads, batch);
    }

    private static TaskResult run(LlamaModel model, Task task, int shots, int threads, int batch) {
        try (ComputePool pool = new ComputePool(threads)) {
            TaskResult r = TaskRunner.onModel(model, Stories260K.tokenizer(), pool, batch)
                    .run(task, shots, 7, new ItemSelection(8, 3L), null);
            assertThat(r.complete()).as(r.error()).isTrue();
            return r;
        }
    }

    private static void assertSameScores(TaskResult a, TaskResult b) {
        assertThat(b.items()).hasSameSizeAs(a.items());
        for (int i = 0; i < a.items().size(); i++) {
            assertThat(b.items().get(i).line()).isEqualTo(a.items().get(i).line());
            assertThat(b.items().get(i).logLikelihoods()).containsExactly(a.items().get(i).logLikelihoods());
            assertThat(b.items().get(i).greedy()).containsExactly(a.items().get(i).greedy());
        }
        assertThat(b.metrics()).isEqualTo(a.metrics());
    }

    @Test
    void batchAndThreadCountDoNotChangeAnyScore() {
        Path data = SharedData.require("data");
        List<Task> tasks = List.of(TaskCatalog.resolve("arc_easy", data).getFirst(),
                TaskCatalog.resolve("winogrande", data).getFirst());
        for (Task task : tasks) {
            TaskResult reference = run(task, 1, 1, 1);
            assertSameScores(reference, run(task, 1, 1, 8));
            assertSameScores(reference, run(task, 1, 2, 1));
            assertSameScores(reference, run(task, 1, 2, 8));
            // two workers with two threads of their own each
            assertSameScores(reference, run(task, 1, 4, 2));
        }
    }

    @Test
    void workersReleaseTheirOwnPoolsWhenTheTaskIsDone() throws InterruptedException {
        Task arc = TaskCatalog.resolve("arc_easy", SharedData.require("data")).getFirst();
        long before = computeThreads();
        run(arc, 0, 4, 2);
        for (int i = 0; i < 100 && computeThreads() > before; i++) {
            Thread.sleep(20);
        }
        assertThat(computeThreads()).isEqualTo(before);
    }

    private static long computeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("quantbench-compute-")).count();
    }

    @Test
    void soOnAQuantizedModelWithPerTokenActivationQuantization() {
        Task arc = TaskCatalog.resolve("arc_easy", SharedData.require("data")).getFirst();
        try (QuantizedModel q = ModelQuantizer.prepare(Stories260K.checkpoint(), "0".repeat(64), SchemeNames.parse("W8A8-INT"),
                false, null, (d, t, n) -> { })) {
            LlamaModel model = LlamaModel.load(Stories260K.checkpoint(), q);
            TaskResult reference = run(model, arc, 0, 1, 1);
            assertSameScores(reference, run(model, arc, 0, 2, 8));
            assertThat(reference.items().getFirst().logLikelihoods())
                    .isNotEqualTo(run(arc, 0, 1, 1).items().getFirst().logLikelihoods());
        }
    }
}
