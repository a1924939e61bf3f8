package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;
import org.quantbench.tensor.ComputePool;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A task that cannot be scored to the end is reported incomplete, with the item that stopped it, and no metrics. */
class IncompleteRunTest {

    private static Task task(List<Doc> docs) {
        return Task.of("t", TaskKind.MULTIPLE_CHOICE, "", "test", docs, null, FewShotSampling.FIRST_N, true,
                List.of(Path.of("items.jsonl")), null);
    }

    @Test
    void aScorerFailureOnOneItemFailsTheTask() {
        CharTokenizer tok = new CharTokenizer();
        List<Doc> docs = List.of(new Doc.Choice(1, "Q1", List.of("a", "b"), 0), new Doc.Choice(2, "Q2", List.of("a", "b"), 0),
                new Doc.Choice(3, "Q3", List.of("a", "b"), 1));
        for (int batch : new int[] {1, 3}) {
            TaskRunner runner = new TaskRunner(tok, longest -> requests -> {
                if (tok.decode(requests.getFirst().context()).equals("Q2")) {
                    throw new IllegalStateException("engine failed");
                }
                return requests.stream().map(r -> new Loglikelihood(-1, true, 1)).toList();
            }, batch);
            TaskResult r = runner.run(task(docs), 0, 1, ItemSelection.ALL, null);
            assertThat(r.complete()).isFalse();
            assertThat(r.metrics()).isEmpty();
            assertThat(r.error()).isEqualTo("items.jsonl: line 2: engine failed");
            assertThat(r.items().size()).isLessThan(3);
        }
    }

    @Test
    void aContinuationLongerThanTheModelsContextFailsTheTask() {
        String longChoice = "and then they played ".repeat(150);
        Task t = task(List.of(new Doc.Choice(1, "Once upon a time", List.of("there was a cat.", longChoice), 0)));
        try (ComputePool pool = new ComputePool(1)) {
            TaskResult r = TaskRunner.onModel(Stories260K.model(), Stories260K.tokenizer(), pool, 1)
                    .run(t, 0, 1, ItemSelection.ALL, null);
            assertThat(r.complete()).isFalse();
            assertThat(r.error()).startsWith("items.jsonl: line 1: a continuation of").contains("leaves no context");
        }
    }

    @Test
    void aShotCountBeyondThePoolIsRefusedBeforeAnythingRuns() {
        Task t = task(List.of(new Doc.Choice(1, "Q", List.of("a", "b"), 0), new Doc.Choice(2, "Q", List.of("a", "b"), 0)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PromptBuilder(t, 2, 1))
                .hasMessageContaining("2-shot needs 2 examples but only 1 are available");
    }
}
