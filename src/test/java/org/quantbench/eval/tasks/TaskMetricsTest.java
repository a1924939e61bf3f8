package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** acc, acc_norm and their standard errors checked by hand, through the runner with a scorer that returns set values. */
class TaskMetricsTest {

    /** Log-likelihood of each continuation text, whatever the context. */
    private static TaskRunner fakeRunner(Map<String, Double> scores, int batch) {
        CharTokenizer tok = new CharTokenizer();
        return new TaskRunner(tok, longest -> requests -> requests.stream()
                .map(r -> new Loglikelihood(scores.get(tok.decode(r.continuation())), false, r.continuation().length))
                .toList(), batch);
    }

    private static Task task(List<Doc> docs) {
        return Task.of("hand", TaskKind.MULTIPLE_CHOICE, "", "test", docs, null, FewShotSampling.FIRST_N, true,
                List.of(Path.of("hand.jsonl")), null);
    }

    @Test
    void accuracyNormalisedAccuracyAndStandardErrorsByHand() {
        // " a" is likelier in total, "bbbb" per byte: -2/1 = -2 < -4/4 = -1
        Map<String, Double> scores = Map.of(" a", -2.0, " bbbb", -4.0, " cc", -9.0);
        List<String> choices = List.of("a", "bbbb", "cc");
        List<Doc> docs = List.of(
                new Doc.Choice(1, "Q1", choices, 0),   // acc 1, acc_norm 0
                new Doc.Choice(2, "Q2", choices, 1),   // acc 0, acc_norm 1
                new Doc.Choice(3, "Q3", choices, 1),   // acc 0, acc_norm 1
                new Doc.Choice(4, "Q4", choices, 2));  // acc 0, acc_norm 0
        TaskResult r = fakeRunner(scores, 1).run(task(docs), 0, 1, ItemSelection.ALL, null);
        assertThat(r.complete()).isTrue();
        assertThat(r.items()).extracting(ItemScore::pred).containsOnly(0);
        assertThat(r.items()).extracting(ItemScore::predNorm).containsOnly(1);
        // acc = 1/4: sample variance of (1,0,0,0) = (0.75^2 + 3 * 0.25^2) / 3 = 0.25, stderr = sqrt(0.25 / 4) = 0.25
        assertThat(r.metric("acc").value()).isEqualTo(0.25);
        assertThat(r.metric("acc").stderr()).isCloseTo(0.25, within(1e-15));
        assertThat(r.metric("acc").stderr()).isCloseTo(Math.sqrt(0.25 * 0.75 / 3), within(1e-15));
        // acc_norm = 2/4: sqrt(0.5 * 0.5 / 3)
        assertThat(r.metric("acc_norm").value()).isEqualTo(0.5);
        assertThat(r.metric("acc_norm").stderr()).isCloseTo(Math.sqrt(0.25 / 3), within(1e-15));
        assertThat(r.items().getFirst().logLikelihoods()).containsExactly(-2.0, -4.0, -9.0);
    }

    @Test
    void normalisationCountsUtf8BytesAndTiesGoToTheFirstChoice() {
        // "é" is one char but two bytes: per byte -3/2 = -1.5 beats "x" at -2/1 (per char it would lose, -3 < -2)
        Map<String, Double> scores = Map.of(" x", -2.0, " é", -3.0, " y", -2.0);
        TaskResult r = fakeRunner(scores, 2).run(task(List.of(
                new Doc.Choice(1, "Q", List.of("x", "é"), 1),
                new Doc.Choice(2, "Q", List.of("y", "x"), 1))), 0, 1, ItemSelection.ALL, null);
        assertThat(r.items().get(0).pred()).isEqualTo(0);
        assertThat(r.items().get(0).predNorm()).isEqualTo(1);
        assertThat(r.items().get(1).pred()).isEqualTo(0);      // equal sums: the first, as numpy's argmax
        assertThat(r.items().get(1).predNorm()).isEqualTo(0);
        assertThat(r.metric("acc").value()).isEqualTo(0.0);
        assertThat(r.metric("acc_norm").value()).isEqualTo(0.5);
    }

    @Test
    void oneItemHasNoStandardError() {
        TaskResult r = fakeRunner(Map.of(" a", -1.0, " b", -2.0), 1).run(task(List.of(
                new Doc.Choice(1, "Q", List.of("a", "b"), 0))), 0, 1, ItemSelection.ALL, null);
        assertThat(r.metric("acc").value()).isEqualTo(1.0);
        assertThat(r.metric("acc").stderr()).isNull();
    }

    @Test
    void lastWordAccuracyIsAllGreedyAndPerplexityIsExpOfMinusMeanLogLikelihood() {
        CharTokenizer tok = new CharTokenizer();
        TaskRunner runner = new TaskRunner(tok, longest -> requests -> requests.stream().map(r -> {
            String cont = tok.decode(r.continuation());
            return new Loglikelihood(cont.equals(" cat") ? -1.0 : -3.0, cont.equals(" cat"), r.continuation().length);
        }).toList(), 1);
        Task task = Task.of("lw", TaskKind.LAST_WORD, "", "test", List.of(new Doc.LastWord(1, "the", " cat"),
                new Doc.LastWord(2, "a", " dog")), null, FewShotSampling.FIRST_N, false, List.of(Path.of("lw.txt")), null);
        TaskResult r = runner.run(task, 0, 1, ItemSelection.ALL, null);
        assertThat(r.metric("acc").value()).isEqualTo(0.5);
        assertThat(r.metric("perplexity").value()).isCloseTo(Math.exp(2.0), within(1e-12));
        assertThat(r.metric("acc_norm")).isNull();
    }

    @Test
    void pooledGroupStandardErrorFollowsLmEval() {
        // two subtasks: acc 0.5 over 4 items (stderr sqrt(0.25/3)), acc 1.0 over 2 items (stderr 0)
        double se1 = Math.sqrt(0.25 / 3);
        Metric m = TaskMetrics.pooled("acc", new double[] {0.5, 1.0}, new Double[] {se1, 0.0}, new int[] {4, 2});
        assertThat(m.value()).isCloseTo(4.0 / 6, within(1e-15));
        // ((4-1) * se1^2 * 4 + 0) / (6 - 2) = 1/4; sqrt(0.25 / 6)
        assertThat(m.stderr()).isCloseTo(Math.sqrt(0.25 / 6), within(1e-15));
    }
}
