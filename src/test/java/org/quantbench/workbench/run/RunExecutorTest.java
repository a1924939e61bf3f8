package org.quantbench.workbench.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunStatus;
import org.quantbench.workbench.results.StepFailure;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.Row;
import org.quantbench.workbench.table.RunExports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;

class RunExecutorTest {
    @TempDir
    Path dir;

    @Test
    void demoConfigEndToEndThenAgainFromTheStore() {
        RunPlan plan = DemoRuns.plan(dir);
        assertThat(plan.rowOrder()).containsExactly("base", "W8A8-INT", "NF4-DQ", "W4A16-GPTQ-g128-sym");
        assertThat(plan.steps()).hasSize(3 + 4 * 3);
        try (ResultStore store = ResultStore.open(dir.resolve("db"))) {
            RunExecutor executor = new RunExecutor(store, new ModelLoading(dir.resolve("cache")));
            List<String> events = new ArrayList<>();
            RunOutcome first = executor.execute(plan, new RunListener() {
                @Override
                public void stepFinished(PlannedStep step, List<ResultRow> rows) {
                    events.add("done " + step.describe());
                }

                @Override
                public void stepFailed(PlannedStep step, String reason) {
                    events.add("failed " + step.describe());
                }
            }, new CancelToken());

            assertThat(first.status()).isEqualTo(RunStatus.DONE);
            assertThat(first.measured()).isEqualTo(11);
            assertThat(first.failed()).isEqualTo(4);
            assertThat(events).startsWith("done base: memory", "done base: perplexity", "done base: throughput",
                    "done W8A8-INT: memory");
            List<StepFailure> failures = first.results().failures();
            assertThat(failures).extracting(StepFailure::scheme).containsOnly("W4A16-GPTQ-g128-sym");
            // GPTQ runs, but this config names no calibration text: each of its steps fails saying so
            assertThat(failures).allSatisfy(f -> assertThat(f.reason()).contains("needs calibration data"));

            ComparisonTable table = ComparisonTable.of(first.results());
            assertThat(table.rows()).extracting(Row::label)
                    .containsExactly("base = F32", "W8A8-INT", "NF4-DQ", "W4A16-GPTQ-g128-sym");
            Row base = table.rows().get(0);
            Row w8 = table.rows().get(1);
            Row nf4 = table.rows().get(2);
            var ppl = table.column("perplexity/perplexity");
            var bits = table.column("memory/bits_per_weight");
            var kld = table.column("kld/kld_mean");
            assertThat(base.cell(bits).value()).isEqualTo(32.0);
            assertThat(nf4.cell(bits).value()).isBetween(4.0, 4.6);
            // 8-bit stays closer to the base than 4-bit NF4, in perplexity and in KLD.
            assertThat(Math.abs(w8.cell(ppl).delta())).isLessThan(Math.abs(nf4.cell(ppl).delta()));
            assertThat(w8.cell(kld).value()).isLessThan(nf4.cell(kld).value()).isPositive();
            assertThat(base.cell(kld)).isNull();
            assertThat(w8.cell(table.column("throughput/decode_tok_s@2")).value()).isPositive();
            assertThat(table.rows().get(3).cell(ppl).failure()).contains("needs calibration data");

            List<Path> files = RunExports.writeAll(first.results(), dir.resolve("out"));
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("table.csv", "table.md", "table.json");
            assertThat(files).allSatisfy(f -> assertThat(Files.size(f)).isPositive());

            int rows = store.rowsOfRun(first.run().id()).size();
            RunOutcome second = executor.execute(plan, RunListener.NONE, new CancelToken());
            assertThat(second.run().id()).isNotEqualTo(first.run().id());
            assertThat(second.measured()).isZero();
            assertThat(second.skipped()).isEqualTo(11);
            assertThat(store.rowsOfRun(second.run().id())).hasSize(rows);
            assertThat(store.rowsOfModel(store.rowsOfRun(second.run().id()).getFirst().modelSha256())).hasSize(rows);
        }
    }

    @Test
    void cancelStopsBetweenStepsAndTheNextRunResumesIt() {
        RunPlan plan = DemoRuns.plan(dir);
        try (ResultStore store = ResultStore.open(dir.resolve("db"))) {
            RunExecutor executor = new RunExecutor(store, new ModelLoading(dir.resolve("cache")));
            CancelToken cancel = new CancelToken();
            RunOutcome cancelled = executor.execute(plan, new RunListener() {
                @Override
                public void stepProgress(PlannedStep step, double fraction, java.time.Duration eta, String line) {
                    if (step.scheme().equals("W8A8-INT") && step.kind() == StepKind.KLD) {
                        cancel.cancel();
                    }
                }
            }, cancel);
            assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(cancelled.measured()).isEqualTo(4);  // base x3, W8A8-INT memory
            assertThat(store.rowsOfRun(cancelled.run().id())).noneMatch(r -> r.step().equals("kld") && r.scheme().equals("W8A8-INT"));

            RunOutcome resumed = executor.execute(plan, RunListener.NONE, new CancelToken());
            assertThat(resumed.status()).isEqualTo(RunStatus.DONE);
            assertThat(resumed.skipped()).isEqualTo(4);
            assertThat(resumed.measured()).isEqualTo(7);
        }
    }

    @Test
    void cancelTokenThrowsOnceCancelled() {
        CancelToken t = new CancelToken();
        t.check();
        t.cancel();
        org.assertj.core.api.Assertions.assertThatThrownBy(t::check).isInstanceOf(CancellationException.class);
    }
}
