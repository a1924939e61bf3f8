package org.quantbench.workbench.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the tracker with the demo plan's steps and a hand-set clock. */
class RowProgressTest {
    @TempDir
    Path dir;

    private long now;

    private void advance(double seconds) {
        now += (long) (seconds * 1e9);
    }

    @Test
    void estimatesEachRowFromTheStepsMeasuredOnEarlierRows() {
        RunPlan plan = DemoRuns.plan(dir);
        RowProgress p = new RowProgress(plan, () -> now);
        List<PlannedStep> steps = plan.steps();
        assertThat(p.snapshot()).extracting(RowProgress.Row::row)
                .containsExactly("base", "W8A8-INT", "NF4-DQ", "W4A16-GPTQ-g128-sym");
        assertThat(p.snapshot()).allSatisfy(r -> assertThat(r.eta()).isNull());
        assertThat(p.runEta()).isNull();

        // base: memory 1 s, perplexity 10 s, throughput 4 s
        double[] baseTimes = {1, 10, 4};
        for (int i = 0; i < 3; i++) {
            p.stepStarted(steps.get(i), i, steps.size());
            advance(baseTimes[i]);
            p.stepFinished(steps.get(i), List.of());
        }
        RowProgress.Row base = p.snapshot().getFirst();
        assertThat(base.finished()).isTrue();
        assertThat(base.seconds()).isEqualTo(15.0);
        assertThat(base.eta()).isEqualTo(Duration.ZERO);
        // the schemes' kld step has never run: no estimate yet
        assertThat(p.snapshot().get(1).eta()).isNull();

        // W8A8-INT: memory found stored (costs nothing), kld 20 s, perplexity in progress at 40% with its own estimate
        PlannedStep memory = steps.get(3);
        PlannedStep kld = steps.get(4);
        PlannedStep ppl = steps.get(5);
        assertThat(List.of(memory.step(), kld.step(), ppl.step())).containsExactly("memory", "kld", "perplexity");
        p.stepStarted(memory, 3, steps.size());
        p.stepSkipped(memory, List.of());
        p.stepStarted(kld, 4, steps.size());
        advance(20);
        p.stepFinished(kld, List.of());
        p.stepStarted(ppl, 5, steps.size());
        advance(2);
        RowProgress.Row w8 = p.snapshot().get(1);
        assertThat(w8.done()).isEqualTo(2);
        assertThat(w8.total()).isEqualTo(4);
        assertThat(w8.current()).isEqualTo("perplexity");
        assertThat(w8.seconds()).isEqualTo(22.0);
        // no progress reported yet: the 10 s perplexity took on the base, 2 s of it spent, then throughput's 4 s
        assertThat(w8.eta()).isEqualTo(Duration.ofSeconds(12));
        p.stepProgress(ppl, 0.4, Duration.ofSeconds(3), "window 2/5");
        assertThat(p.snapshot().get(1).eta()).isEqualTo(Duration.ofSeconds(7));
        assertThat(p.snapshot().get(1).fraction()).isEqualTo(0.4);
        // NF4-DQ waits: memory (1 s, from the base) + kld 20 + perplexity 10 + throughput 4
        assertThat(p.snapshot().get(2).eta()).isEqualTo(Duration.ofSeconds(35));

        p.stepFailed(ppl, "broken");
        RowProgress.Row after = p.snapshot().get(1);
        assertThat(after.failed()).isEqualTo(1);
        assertThat(after.current()).isEmpty();
        assertThat(after.eta()).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.runEta()).isEqualTo(Duration.ofSeconds(4 + 35 + 35));
    }

    @Test
    void aCalibratedQuantizationIsEstimatedFromItsOwnMethodNotFromRoundToNearest() {
        List<String> rows = List.of("W4A16-RTN-g128-sym", "W4A16-GPTQ-g128-sym", "W3A16-GPTQ-g128-sym",
                "W4A16-AWQ-g128-asym", "AQLM-2x8");
        List<PlannedStep> steps = new java.util.ArrayList<>();
        for (String row : rows) {
            org.quantbench.quant.Scheme scheme = org.quantbench.quant.SchemeNames.parse(row);
            steps.add(new PlannedStep(row, scheme, StepKind.MEMORY, "memory", null));
            steps.add(new PlannedStep(row, scheme, StepKind.PERPLEXITY, "perplexity", null));
        }
        RowProgress p = new RowProgress(new RunPlan(null, null, null, steps), () -> now);
        double[] took = {1, 10, 80, 10};   // RTN quantizes in 1 s, GPTQ in 80 s; perplexity 10 s each
        for (int i = 0; i < took.length; i++) {
            p.stepStarted(steps.get(i), i, steps.size());
            advance(took[i]);
            p.stepFinished(steps.get(i), List.of());
        }
        // W3 GPTQ: GPTQ's 80 s, not the 40.5 s mean of every memory step; AWQ, not measured yet: the calibrated mean
        assertThat(p.snapshot().get(2).eta()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.snapshot().get(3).eta()).isEqualTo(Duration.ofSeconds(90));
        p.stepStarted(steps.get(6), 6, steps.size());
        advance(200);
        p.stepFinished(steps.get(6), List.of());
        assertThat(p.snapshot().get(3).eta()).isEqualTo(Duration.ofSeconds(10));
        // AQLM-2x8: the mean of GPTQ's 80 s and AWQ's 200 s
        assertThat(p.snapshot().get(4).eta()).isEqualTo(Duration.ofSeconds(150));
        assertThat(RowProgress.costKey(steps.get(0))).isEqualTo("memory");
        assertThat(RowProgress.costKey(steps.get(8))).isEqualTo("memory AQLM-2x8");
    }
}
