package org.quantbench.workbench.table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.StepFailure;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ComparisonTableTest {
    static ResultRow row(String scheme, String step, String metric, double value, Double stderr) {
        return new ResultRow("sha", "/m", scheme, null, step, metric, value, stderr, "def", "", 1,
                null, JsonNodeFactory.instance.objectNode(), 1, "float", "run", null);
    }

    static RunResults run() {
        return new RunResults("run", "demo", "base = Q4_1 dequantized", List.of("base", "W8A16-RTN", "W2A16-RTN-g64-sym", "AQLM-2x8"),
                List.of(row("W8A16-RTN", "perplexity", "perplexity", 10.1, null),
                        row("base", "perplexity", "perplexity", 10.0, null),
                        row("base", "task:arc_easy", "acc", 0.60, 0.010),
                        row("W8A16-RTN", "task:arc_easy", "acc", 0.59, 0.010),
                        row("W2A16-RTN-g64-sym", "task:arc_easy", "acc", 0.30, 0.010),
                        row("W2A16-RTN-g64-sym", "perplexity", "perplexity", 900.0, null),
                        row("base", "memory", "bits_per_weight", 5.0, null)),
                List.of(new StepFailure("run", "AQLM-2x8", "perplexity", "not available: AQLM, being built", Instant.now())));
    }

    @Test
    void rowsColumnsDeltasAndNoise() {
        ComparisonTable t = ComparisonTable.of(run());
        assertThat(t.rows()).extracting(Row::label)
                .containsExactly("base = Q4_1 dequantized", "W8A16-RTN", "W2A16-RTN-g64-sym", "AQLM-2x8");
        assertThat(t.columns()).extracting(Column::id)
                .containsExactly("memory/bits_per_weight", "perplexity/perplexity", "task:arc_easy/acc");
        Column acc = t.column("task:arc_easy/acc");
        Cell w8 = t.rows().get(1).cell(acc);
        assertThat(w8.delta()).isCloseTo(-0.01, within(1e-12));
        // |−0.01| <= 1.96 * sqrt(2) * 0.01: noise; −0.30 is not.
        assertThat(w8.withinNoise()).isTrue();
        assertThat(t.rows().get(2).cell(acc).withinNoise()).isFalse();
        assertThat(t.rows().get(1).cell(t.column("perplexity/perplexity")).deltaPct()).isCloseTo(1.0, within(1e-9));
        assertThat(t.rows().get(0).cell(acc).delta()).isNull();
        assertThat(t.rows().get(3).cell(t.column("perplexity/perplexity")).failure()).isEqualTo("not available: AQLM, being built");
    }

    @Test
    void sortFilterAndSideBySide() {
        ComparisonTable t = ComparisonTable.of(run());
        assertThat(t.sortedBy("perplexity/perplexity", false, true).rows()).extracting(Row::scheme)
                .containsExactly("base", "W2A16-RTN-g64-sym", "W8A16-RTN", "AQLM-2x8");
        assertThat(t.sortedBy("task:arc_easy/acc", true, false).rows()).extracting(Row::scheme)
                .containsExactly("W2A16-RTN-g64-sym", "W8A16-RTN", "base", "AQLM-2x8");
        assertThat(t.matching("rtn").rows()).hasSize(2);
        assertThat(t.filterColumns(c -> c.step().startsWith("task:")).columns()).hasSize(1);

        RunResults other = new RunResults("run2", "rerun", "base", List.of("base"), List.of(row("base", "perplexity", "perplexity", 11.0, null)), List.of());
        ComparisonTable both = ComparisonTable.sideBySide("history", List.of(run(), other));
        assertThat(both.rows()).extracting(Row::label).contains("demo: W8A16-RTN", "rerun: base");
    }

    @Test
    void exportsEscapeAndMarkNoise() {
        ComparisonTable t = ComparisonTable.of(run());
        String csv = TableExports.csv(t);
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("row,scheme,bits/weight,bits/weight stderr");
        assertThat(csv).contains("\"failed: not available: AQLM, being built\"");
        assertThat(csv.lines().count()).isEqualTo(5);
        String md = TableExports.markdown(t);
        assertThat(md).contains("| base = Q4_1 dequantized |").contains("0.5900 ± 0.0100 (Δ -0.0100, -1.7% ≈)");
        var cell = TableExports.json(t).path("rows").get(1).path("cells").path("task:arc_easy/acc");
        assertThat(cell.path("withinNoise").asBoolean()).isTrue();
        assertThat(cell.path("value").asDouble()).isEqualTo(0.59);
    }
}
