package org.quantbench.workbench.results;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultStoreTest {
    @TempDir
    Path dir;

    static ResultRow row(String runId, String scheme, String step, String metric, double value) {
        return new ResultRow("abc", "/m.bin", scheme, null, step, metric, value, 0.01, "def of " + step, "data", 10,
                null, JsonNodeFactory.instance.objectNode().put("threads", 2), 1.5, "float", runId, null);
    }

    @Test
    void savingAStepTwiceKeepsOneRowAndLinksBothRuns() {
        try (ResultStore store = ResultStore.open(dir)) {
            RunRecord a = store.createRun("r", null, "{}");
            RunRecord b = store.createRun("r", null, "{}");
            List<ResultRow> step = List.of(row(a.id(), "base", "task:arc_easy", "acc", 0.5),
                    row(a.id(), "base", "task:arc_easy", "acc_norm", 0.6));
            assertThat(store.saveStep(a.id(), step)).isEqualTo(2);
            assertThat(store.hasStep(step.getFirst().stepKey())).isTrue();
            assertThat(store.saveStep(b.id(), step)).isZero();
            assertThat(store.rowsOfRun(a.id())).hasSize(2);
            assertThat(store.rowsOfRun(b.id())).extracting(ResultRow::metric).containsExactly("acc", "acc_norm");
            assertThat(store.rowsOfRun(b.id()).getFirst().runId()).isEqualTo(a.id());
            assertThat(store.rowsOfModel("abc")).hasSize(2);
        }
    }

    @Test
    void aFailingTransactionLeavesNoRow() {
        try (ResultStore store = ResultStore.open(dir)) {
            RunRecord a = store.createRun("r", null, "{}");
            ResultRow good = row(a.id(), "base", "perplexity", "perplexity", 3.0);
            // Too long for its column: the insert fails after the first row of the step went in.
            ResultRow bad = new ResultRow("abc", "/m.bin", "base", null, "perplexity", "x".repeat(300), 1.0, null,
                    "def of perplexity", "data", 1, null, null, 0, null, a.id(), null);
            assertThatThrownBy(() -> store.saveStep(a.id(), List.of(good, bad))).isInstanceOf(IllegalStateException.class);
            assertThat(store.hasStep(good.stepKey())).isFalse();
            assertThat(store.rowsOfRun(a.id())).isEmpty();
        }
    }

    @Test
    void runsFailuresAndReopeningSurviveAClose() {
        String id;
        try (ResultStore store = ResultStore.open(dir)) {
            RunRecord a = store.createRun("r", "quick", "{\"x\":1}");
            id = a.id();
            store.saveFailure(id, "W4A16-GPTQ-g128-sym", "memory", "not available: being built");
            store.saveStep(id, List.of(row(id, "base", "perplexity", "perplexity", 3.0)));
        }
        try (ResultStore store = ResultStore.open(dir)) {
            assertThat(store.unfinishedRun("{\"x\":1}", "quick")).map(RunRecord::id).contains(id);
            assertThat(store.unfinishedRun("{\"x\":1}", null)).isEmpty();
            assertThat(store.failuresOfRun(id)).extracting(StepFailure::reason).containsExactly("not available: being built");
            assertThat(store.rowsOfRun(id)).singleElement().extracting(ResultRow::value).isEqualTo(3.0);
            store.finishRun(id, RunStatus.DONE, null);
            assertThat(store.unfinishedRun("{\"x\":1}", "quick")).isEmpty();
            assertThat(store.runs()).singleElement().extracting(RunRecord::status).isEqualTo(RunStatus.DONE);
            store.deleteRun(id);
            assertThat(store.runs()).isEmpty();
        }
    }
}
