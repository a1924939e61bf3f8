package org.quantbench.ui.viewmodel;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.table.Column;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.Row;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompareViewModelTest {
    @TempDir
    Path dir;

    private ResultStore store;
    private final RecordingDialogs dialogs = new RecordingDialogs();
    private CompareViewModel vm;

    @BeforeEach
    void open() {
        store = ResultStore.open(dir);
        vm = new CompareViewModel(store, new InlineBackground(), dialogs);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ResultRow row(String run, String scheme, String step, String metric, double value, Double stderr) {
        return new ResultRow("model", "/m.bin", scheme, null, step, metric, value, stderr, "def " + step + " " + run,
                "data", 10, null, JsonNodeFactory.instance.objectNode(), 1, "float", run, null);
    }

    /** A run of base + two schemes: perplexity (no stderr) and arc_easy acc (with stderr). */
    private RunRecord run(String name, double q8Ppl, double q4Ppl) {
        RunRecord r = store.createRun(name, null,
                "{\"name\":\"" + name + "\",\"model\":{\"path\":\"/gone.bin\",\"label\":\"base = F32\"},\"schemes\":[\"Q8_0\",\"Q4_0\"]}");
        for (var s : List.of(new Object[] {"Q4_0", q4Ppl, 0.40}, new Object[] {"base", 10.0, 0.50}, new Object[] {"Q8_0", q8Ppl, 0.49})) {
            store.saveStep(r.id(), List.of(row(r.id(), (String) s[0], "perplexity", "perplexity", (double) s[1], null)));
            store.saveStep(r.id(), List.of(row(r.id(), (String) s[0], "task:arc_easy", "acc", (double) s[2], 0.02)));
        }
        store.saveFailure(r.id(), "Q4_0", "throughput", "ran out of memory");
        return r;
    }

    @Test
    void showsTheHistoryAndOneRunsTableInTheConfigsOrder() {
        RunRecord r = run("first", 10.1, 12.0);
        vm.refresh();
        assertThat(vm.runs()).extracting(RunRecord::id).containsExactly(r.id());
        vm.show(List.of(r));

        ComparisonTable t = vm.shownProperty().get();
        assertThat(t.rows()).extracting(Row::label).containsExactly("base = F32", "Q8_0", "Q4_0");
        assertThat(t.columns()).extracting(Column::id).contains("perplexity/perplexity", "task:arc_easy/acc");
        Column ppl = t.column("perplexity/perplexity");
        Row q4 = t.rows().get(2);
        assertThat(CompareViewModel.valueText(q4.cell(ppl), ppl)).isEqualTo("12.000");
        assertThat(CompareViewModel.deltaText(q4.cell(ppl), ppl)).isEqualTo("+2.000 (+20.0%)");
        assertThat(CompareViewModel.deltaStyle(q4.cell(ppl), ppl)).isEqualTo("delta-worse");
        Column acc = t.column("task:arc_easy/acc");
        Row q8 = t.rows().get(1);
        assertThat(CompareViewModel.valueText(q8.cell(acc), acc)).isEqualTo("0.4900 ± 0.0200");
        assertThat(CompareViewModel.deltaText(q8.cell(acc), acc)).startsWith("≈ -0.0100");
        assertThat(CompareViewModel.deltaStyle(q8.cell(acc), acc)).isEqualTo("within-noise");
        assertThat(CompareViewModel.deltaStyle(q4.cell(acc), acc)).isEqualTo("delta-worse");
        assertThat(CompareViewModel.deltaText(t.rows().get(0).cell(ppl), ppl)).isEmpty();
        Column failed = t.columns().stream().filter(c -> c.step().equals("throughput")).findFirst().orElseThrow();
        assertThat(CompareViewModel.valueText(q4.cell(failed), failed)).isEqualTo("failed");
    }

    @Test
    void sortsKeepingTheBaseFirstFiltersAndKeepsTheFullTable() {
        RunRecord r = run("first", 10.1, 12.0);
        vm.show(List.of(r));
        vm.sortBy("perplexity/perplexity");
        vm.sortBy("perplexity/perplexity");
        assertThat(vm.ascendingProperty().get()).isFalse();
        assertThat(vm.shownProperty().get().rows()).extracting(Row::scheme).containsExactly("base", "Q4_0", "Q8_0");
        vm.filterProperty().set("q8");
        assertThat(vm.shownProperty().get().rows()).extracting(Row::scheme).containsExactly("Q8_0");
        assertThat(vm.tableProperty().get().rows()).hasSize(3);
        vm.filterProperty().set("");
        assertThat(vm.shownProperty().get().rows()).hasSize(3);
    }

    @Test
    void runsFromTheHistorySitSideBySide() {
        RunRecord a = run("first", 10.1, 12.0);
        RunRecord b = run("second", 10.2, 11.0);
        vm.refresh();
        assertThat(vm.runs()).hasSize(2);
        vm.show(List.of(a, b));
        assertThat(vm.shownProperty().get().rows()).extracting(Row::label)
                .containsExactly("first: base = F32", "first: Q8_0", "first: Q4_0", "second: base = F32", "second: Q8_0", "second: Q4_0");
        vm.show(List.of());
        assertThat(vm.shownProperty().get()).isNull();
    }

    @Test
    void aClosedDatabaseIsReportedNotThrown() {
        store.close();
        vm.refresh();
        assertThat(dialogs.errors).singleElement().asString().startsWith("Cannot read the results database");
    }
}
