package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;
import org.quantbench.testing.SharedData;
import org.quantbench.tensor.ComputePool;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-choice log-likelihoods are bit-for-bit the same for batch 1 and 8 and for 1 and 2 compute threads. */
class DeterminismTest {

    private static TaskResult run(Task task, int shots, int threads, int batch) {
        try (ComputePool pool = new ComputePool(threads)) {
            TaskResult r = TaskRunner.onModel(Stories260K.model(), Stories260K.tokenizer(), pool, batch)
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
        }
    }
}
