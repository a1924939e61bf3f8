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
        vm.streams().textProperty().set("");
        assertThat(vm.problems()).containsExactly("context: 'abc' is not a whole number",
                "parallel streams: required", "repeats: 0 is outside 1..100");
        vm.ctx().textProperty().set("256");
        assertThat(vm.problems()).contains("stride: 512 is larger than the context 256 (tokens would be skipped)");
        assertThat(vm.firstProblem()).isPresent();
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
    void tasksAreTickedByNameAndUnknownNamesReturned() {
        List<String> unknown = vm.selectTasks(List.of("piqa", "arc_easy", "squad"));
        assertThat(vm.selectedTasks()).containsExactly("arc_easy", "piqa");
        assertThat(unknown).containsExactly("squad");
    }
}
