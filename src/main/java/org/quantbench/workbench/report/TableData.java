package org.quantbench.workbench.report;

import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.SchemeNames;
import org.quantbench.workbench.table.Cell;
import org.quantbench.workbench.table.Column;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.Row;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads what the charts need out of a {@link ComparisonTable}: columns by step and metric, values, unique labels. */
final class TableData {
    static final String MEMORY = "memory";
    static final String BITS = "bits_per_weight";

    private final ComparisonTable table;
    // By identity: rows of two runs side by side can be equal records and still need their own labels.
    private final Map<Row, String> labels = new IdentityHashMap<>();

    TableData(ComparisonTable table) {
        this.table = table;
        Map<String, Integer> seen = new HashMap<>();
        for (Row r : table.rows()) {
            int n = seen.merge(r.label(), 1, Integer::sum);
            // Category keys must be unique; two runs side by side may both have a row called the same.
            labels.put(r, n == 1 ? r.label() : r.label() + " (" + n + ")");
        }
    }

    ComparisonTable table() {
        return table;
    }

    List<Row> rows() {
        return table.rows();
    }

    String label(Row r) {
        return labels.get(r);
    }

    Optional<Column> column(String step, String metric) {
        return table.columns().stream().filter(c -> c.step().equals(step) && c.metric().equals(metric)).findFirst();
    }

    /** Columns of a step whose metric is {@code metric} or {@code metric@<streams>}, in table order. */
    List<Column> columns(String step, String metric) {
        return table.columns().stream().filter(c -> c.step().equals(step)
                && (c.metric().equals(metric) || c.metric().startsWith(metric + "@"))).toList();
    }

    /** The {@code metric} columns of every {@code task:<name>} step, in table order. */
    List<Column> taskColumns(String metric) {
        return table.columns().stream().filter(c -> c.step().startsWith("task:") && c.metric().equals(metric)).toList();
    }

    Optional<Cell> cell(Row r, Column c) {
        Cell cell = r.cell(c);
        return cell != null && cell.hasValue() && Double.isFinite(cell.value()) ? Optional.of(cell) : Optional.empty();
    }

    boolean anyValue(Column c) {
        return table.rows().stream().anyMatch(r -> cell(r, c).isPresent());
    }

    boolean anyValue(List<Column> columns) {
        return columns.stream().anyMatch(this::anyValue);
    }

    Optional<Double> value(Row r, Column c) {
        return cell(r, c).map(Cell::value);
    }

    Optional<Double> baseValue(Column c) {
        return table.rows().stream().filter(Row::base).findFirst().flatMap(r -> value(r, c));
    }

    /**
     * The quality measure for the Pareto and bits-sweep charts: mean {@code acc} over the tasks every row has, else
     * perplexity. Empty when the table has neither.
     */
    Optional<Quality> quality() {
        List<Column> tasks = taskColumns("acc").stream().filter(this::anyValue).toList();
        if (!tasks.isEmpty()) {
            List<Scored> values = new ArrayList<>();
            for (Row r : rows()) {
                List<Double> accs = tasks.stream().map(c -> value(r, c)).flatMap(Optional::stream).toList();
                if (accs.size() == tasks.size()) {
                    values.add(new Scored(r, accs.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
                }
            }
            String name = tasks.size() == 1 ? tasks.getFirst().label()
                    : "mean acc over " + tasks.size() + " tasks";
            return Optional.of(new Quality(name, true, values));
        }
        return column("perplexity", "perplexity").filter(this::anyValue).map(c -> {
            List<Scored> values = new ArrayList<>();
            rows().forEach(r -> value(r, c).ifPresent(v -> values.add(new Scored(r, v))));
            return new Quality("perplexity", false, values);
        });
    }

    /** A quality value per row (in table order) and which direction is better. */
    record Quality(String name, boolean higherIsBetter, List<Scored> values) {
        Optional<Double> base() {
            return values.stream().filter(s -> s.row().base()).map(Scored::value).findFirst();
        }
    }

    record Scored(Row row, double value) {}

    /** The scheme of a row when it is an integer weight-only scheme (the kind a bits sweep varies). */
    static Optional<IntWeightScheme> intScheme(Row r) {
        if (r.base()) {
            return Optional.empty();
        }
        String name = r.scheme().replace("+lm_head", "");
        try {
            Scheme s = SchemeNames.parse(name);
            return s instanceof IntWeightScheme i ? Optional.of(i) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A sweep family's name: the scheme name with its bit width left out, e.g. {@code W*A16-GPTQ-g128-sym}. */
    static String family(IntWeightScheme s) {
        return s.name().replaceFirst("^W\\d+A16", "W*A16");
    }
}
