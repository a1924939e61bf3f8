package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EvaluationsViewModelTest {
    private final EvaluationsViewModel vm = new EvaluationsViewModel();

    @Test
    void theDefaultsOnlyLackTheText() {
        assertThat(vm.problems()).containsExactly("perplexity / KLD: choose a text file (e.g. WikiText-2 wiki.test.raw)");
        vm.textFileProperty().set("wiki.test.raw");
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.ctx().value()).hasValue(512);
        assertThat(vm.maxTokens().value()).isEmpty();
    }

    @Test
    void everyBadNumberIsListedAsTheUserTypes() {
        vm.textFileProperty().set("t.txt");
        vm.ctx().textProperty().set("abc");
        vm.repeats().textProperty().set("0");
        vm.streamsProperty().set("");
        assertThat(vm.problems()).containsExactly("context: 'abc' is not a whole number",
                "repeats: 0 is outside 1..100", "parallel streams: required, e.g. 1, 4");
        vm.ctx().textProperty().set("256");
        vm.stride().textProperty().set("512");
        assertThat(vm.problems()).contains("stride: 512 is larger than the context 256 (tokens would be skipped)");
        vm.streamsProperty().set("1, x");
        assertThat(vm.problems()).contains("parallel streams: 'x' is not a whole number");
        assertThat(vm.firstProblem()).isPresent();
    }

    @Test
    void sampledTasksMustBeSelectedTasksWithAPositiveCount() {
        vm.textFileProperty().set("t.txt");
        vm.selectTasks(List.of("arc_easy", "mmlu", "mine=data/mine.jsonl"));
        vm.taskSamplesProperty().set("mmlu=1000, mine = 20");
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.taskSamples()).containsExactly(java.util.Map.entry("mmlu", 1000), java.util.Map.entry("mine", 20));
        vm.taskSamplesProperty().set("mmlu=many");
        assertThat(vm.problems()).containsExactly("sampled tasks: 'mmlu=many' is not TASK=N with N at least 1");
        vm.taskSamplesProperty().set("mmlu=0");
        assertThat(vm.problems()).containsExactly("sampled tasks: 'mmlu=0' is not TASK=N with N at least 1");
        vm.taskSamplesProperty().set("piqa=50");
        assertThat(vm.problems()).containsExactly("sampled tasks: piqa is not a selected task");
        vm.taskSamplesProperty().set("");
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.taskSamples()).isNull();
        vm.setTaskSamples(java.util.Map.of("mmlu", 1000));
        assertThat(vm.taskSamplesProperty().get()).isEqualTo("mmlu=1000");
    }

    @Test
    void atLeastOneMetricIsNeeded() {
        vm.perplexityProperty().set(false);
        vm.kldProperty().set(false);
        vm.throughputProperty().set(false);
        assertThat(vm.problems()).containsExactly("choose at least one metric");
        vm.tasks().get(0).selected().set(true);
        assertThat(vm.problems()).isEmpty();
    }

    @Test
    void tasksKeepTheGivenOrderAndOtherNamesGoToTheirOwnField() {
        List<String> other = vm.selectTasks(List.of("piqa", "mmlu_anatomy", "arc_easy", "mine=data/mine.jsonl"));
        assertThat(other).containsExactly("mmlu_anatomy", "mine=data/mine.jsonl");
        assertThat(vm.otherTasksProperty().get()).isEqualTo("mmlu_anatomy, mine=data/mine.jsonl");
        assertThat(vm.selectedTasks()).containsExactly("piqa", "mmlu_anatomy", "arc_easy", "mine=data/mine.jsonl");
        vm.tasks().get(1).selected().set(true);
        vm.otherTasksProperty().set("mmlu_anatomy, spec:t.json");
        assertThat(vm.selectedTasks()).containsExactly("piqa", "mmlu_anatomy", "arc_easy", "arc_challenge", "spec:t.json");
    }

    @Test
    void streamsAreAListAndSeedsTakeLongs() {
        vm.textFileProperty().set("t.txt");
        vm.streamsProperty().set("1, 2 8");
        assertThat(vm.streamCounts()).containsExactly(1, 2, 8);
        vm.setStreamCounts(List.of(1, 4));
        assertThat(vm.streamsProperty().get()).isEqualTo("1, 4");
        vm.sampleSeed().setLong(9_000_000_000L);
        vm.seed().textProperty().set("-1");
        assertThat(vm.problems()).containsExactly("seed: -1 is outside 0..9223372036854775807");
        assertThat(vm.sampleSeed().longValue()).hasValue(9_000_000_000L);
    }
}
