package org.quantbench.workbench.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.RunConfigFile;
import org.quantbench.workbench.demo.DemoModel;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunStatus;
import org.quantbench.workbench.table.Column;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.Row;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance config's {@code ci} profile on SmolLM2-135M: base, W8A16-RTN, W4A16-RTN-g128, W4A16-GPTQ-g128 and
 * W2A16-RTN-g64 over two WikiText-2 windows (1,022 scored tokens) and 50 items of ARC-Easy and PIQA (the tasks where a
 * 135M model sits above chance; ARC-Challenge and WinoGrande cannot order schemes at 50 items). The order asserted is
 * the seed studies': 8-bit near-lossless, GPTQ ahead of RTN at 4 bits, 2-bit RTN collapsing. Margins are set from a
 * measured run (PPL base 26.815, W8 26.831, W4-RTN 39.3) so that noise of the two windows cannot flip them; accuracy
 * at 50 items has a standard error near 0.07, so it is only checked to be there, with its stderr.
 * <p>
 * GPTQ against RTN at 4 bits is where the seed studies and this run part: calibrated on the shipped text that SmolLM2
 * wrote itself (resources/calibration), GPTQ scores 42.2 on these windows against RTN's 39.3; calibrated on Wikipedia
 * text it scores 36.8 (a diagnostic only: that text came from the test file). The Hessian fits the calibration
 * domain, and self-generated text is far from WikiText. So the test holds GPTQ to within 15% of RTN on perplexity,
 * which catches a broken GPTQ (2-bit-like collapse) without asserting an order this calibration text does not give.
 */
class SmolLm2SeedStudyCiTest {
    @TempDir
    Path dir;

    @Test
    void ciProfileKeepsTheExpectedOrderAndResumesFromTheStore() {
        SharedData.require("models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf");
        Path file = Path.of("sample-configs/smollm2-135m-seed-study.json").toAbsolutePath();
        PathVariables paths = new PathVariables(file.getParent(), SharedData.root(), () -> DemoModel.folder(dir.resolve("demo")));
        RunPlan plan = RunPlan.of(RunConfigFile.read(file, paths), "ci", paths);
        try (ResultStore store = ResultStore.open(dir.resolve("db"))) {
            RunExecutor executor = new RunExecutor(store, new ModelLoading(dir.resolve("cache")));
            RunOutcome first = executor.execute(plan, RunListener.NONE, new CancelToken());
            assertThat(first.failed()).as("failures: %s", first.results().failures()).isZero();
            assertThat(first.status()).isEqualTo(RunStatus.DONE);

            ComparisonTable t = ComparisonTable.of(first.results());
            Column ppl = t.column("perplexity/perplexity");
            Column kld = t.column("kld/kld_mean");
            double base = value(t, "base", ppl);
            // the golden definition: two 512-token windows of the first 8,000 bytes would give 26.815; these are the
            // first two windows of the whole test file, which start the same
            assertThat(base).isBetween(26.0, 27.6);
            assertThat(value(t, "W8A16-RTN-ch-sym", ppl)).as("8-bit within 1% of the base").isBetween(base * 0.99, base * 1.01);
            double rtn4 = value(t, "W4A16-RTN-g128-sym", ppl);
            double gptq4 = value(t, "W4A16-GPTQ-g128-sym", ppl);
            assertThat(gptq4).as("GPTQ near RTN at 4 bits (see above)").isLessThan(rtn4 * 1.15).isGreaterThan(base);
            assertThat(value(t, "W2A16-RTN-g64-sym", ppl)).as("2-bit RTN collapses").isGreaterThan(3 * base);
            assertThat(value(t, "W8A16-RTN-ch-sym", kld)).isLessThan(value(t, "W4A16-GPTQ-g128-sym", kld));
            assertThat(value(t, "W8A16-RTN-ch-sym", kld)).isLessThan(value(t, "W4A16-RTN-g128-sym", kld));
            assertThat(value(t, "W4A16-RTN-g128-sym", kld)).isLessThan(value(t, "W2A16-RTN-g64-sym", kld));
            assertThat(value(t, "W4A16-GPTQ-g128-sym", kld)).isLessThan(value(t, "W2A16-RTN-g64-sym", kld));
            for (Row r : t.rows()) {
                var acc = r.cell(t.column("task:arc_easy/acc"));
                assertThat(acc.value()).as(r.label()).isBetween(0.0, 1.0);
                assertThat(acc.stderr()).as(r.label()).isPositive();
            }

            int rows = store.rowsOfRun(first.run().id()).size();
            RunOutcome again = executor.execute(plan, RunListener.NONE, new CancelToken());
            assertThat(again.measured()).isZero();
            assertThat(store.rowsOfRun(again.run().id())).hasSize(rows);
        }
    }

    private static double value(ComparisonTable t, String scheme, Column c) {
        return t.rows().stream().filter(r -> scheme.equals("base") ? r.base() : scheme.equals(r.scheme())).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + scheme)).cell(c).value();
    }
}
