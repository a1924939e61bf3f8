package org.quantbench.workbench.table;

import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.StepFailure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Base and schemes as rows, metrics as columns, each cell with its standard error, its delta against the base of the
 * same run and whether that delta lies within noise. Built from stored {@link ResultRow}s (one run, or several side by
 * side); immutable: sorting and filtering return new tables. Exported by {@link TableExports}.
 */
public final class ComparisonTable {
    /** Deltas within this many combined standard errors count as noise (a 95% two-sided interval). */
    public static final double NOISE_Z = 1.96;

    private final String title;
    private final List<Column> columns;
    private final List<Row> rows;

    public ComparisonTable(String title, List<Column> columns, List<Row> rows) {
        this.title = title;
        this.columns = List.copyOf(columns);
        this.rows = List.copyOf(rows);
    }

    /** One run's table. */
    public static ComparisonTable of(RunResults run) {
        return sideBySide(run.name(), List.of(run), false);
    }

    /** Several runs side by side; row labels are prefixed with each run's name. */
    public static ComparisonTable sideBySide(String title, List<RunResults> runs) {
        return sideBySide(title, runs, true);
    }

    private static ComparisonTable sideBySide(String title, List<RunResults> runs, boolean prefix) {
        Set<Column> columns = new LinkedHashSet<>();
        List<Row> rows = new ArrayList<>();
        for (RunResults run : runs) {
            run.rows().forEach(r -> columns.add(MetricColumns.of(r.step(), r.metric())));
            run.failures().forEach(f -> columns.addAll(MetricColumns.forFailedStep(f.step(), run.rows())));
            rows.addAll(rowsOf(run, prefix));
        }
        List<Column> ordered = new ArrayList<>(columns);
        ordered.sort(MetricColumns.ORDER);
        return new ComparisonTable(title, ordered, rows);
    }

    private static List<Row> rowsOf(RunResults run, boolean prefix) {
        // Schemes in the run's order (base first), then any the order does not name.
        List<String> schemes = new ArrayList<>(run.schemeOrder());
        if (!schemes.contains(ModelIdentity.BASE)) {
            schemes.addFirst(ModelIdentity.BASE);
        }
        run.rows().forEach(r -> { if (!schemes.contains(r.scheme())) schemes.add(r.scheme()); });
        run.failures().forEach(f -> { if (!schemes.contains(f.scheme())) schemes.add(f.scheme()); });

        Map<String, Map<String, ResultRow>> byScheme = new HashMap<>();
        for (ResultRow r : run.rows()) {
            byScheme.computeIfAbsent(r.scheme(), s -> new LinkedHashMap<>()).put(r.step() + "/" + r.metric(), r);
        }
        Map<String, ResultRow> base = byScheme.getOrDefault(ModelIdentity.BASE, Map.of());
        List<Row> out = new ArrayList<>();
        for (String scheme : schemes) {
            Map<String, ResultRow> mine = byScheme.getOrDefault(scheme, Map.of());
            List<StepFailure> failed = run.failures().stream().filter(f -> f.scheme().equals(scheme)).toList();
            if (mine.isEmpty() && failed.isEmpty()) {
                continue;
            }
            Map<String, Cell> cells = new LinkedHashMap<>();
            boolean isBase = scheme.equals(ModelIdentity.BASE);
            for (ResultRow r : mine.values()) {
                cells.put(r.step() + "/" + r.metric(), cell(r, isBase ? null : base.get(r.step() + "/" + r.metric())));
            }
            for (StepFailure f : failed) {
                for (Column c : MetricColumns.forFailedStep(f.step(), run.rows())) {
                    cells.putIfAbsent(c.id(), Cell.failed(f.reason()));
                }
            }
            String label = isBase ? run.baseLabel() : scheme;
            out.add(new Row(prefix ? run.name() + ": " + label : label, scheme, run.runId(), isBase, cells));
        }
        return out;
    }

    static Cell cell(ResultRow r, ResultRow base) {
        if (base == null) {
            return new Cell(r.value(), r.stderr(), null, null, false, null);
        }
        double delta = r.value() - base.value();
        Double pct = base.value() == 0 ? null : 100 * delta / Math.abs(base.value());
        boolean noise = r.stderr() != null && base.stderr() != null
                && Math.abs(delta) <= NOISE_Z * Math.sqrt(r.stderr() * r.stderr() + base.stderr() * base.stderr());
        return new Cell(r.value(), r.stderr(), delta, pct, noise, null);
    }

    public String title() { return title; }

    public List<Column> columns() { return columns; }

    public List<Row> rows() { return rows; }

    public Column column(String id) {
        return columns.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column '" + id + "' in " + title));
    }

    /** Rows sorted by a column's value (rows without one last); the base stays first when {@code baseFirst}. */
    public ComparisonTable sortedBy(String columnId, boolean ascending, boolean baseFirst) {
        Column c = column(columnId);
        Comparator<Double> values = ascending ? Comparator.naturalOrder() : Comparator.reverseOrder();
        Comparator<Row> byValue = Comparator.comparing(r -> value(r, c), Comparator.nullsLast(values));
        Comparator<Row> order = baseFirst ? Comparator.comparing((Row r) -> !r.base()).thenComparing(byValue) : byValue;
        return new ComparisonTable(title, columns, rows.stream().sorted(order).toList());
    }

    /** Only the rows that pass {@code keep}. */
    public ComparisonTable filterRows(Predicate<Row> keep) {
        return new ComparisonTable(title, columns, rows.stream().filter(keep).toList());
    }

    /** Only the columns that pass {@code keep} (e.g. one step's, or those with a value in some row). */
    public ComparisonTable filterColumns(Predicate<Column> keep) {
        return new ComparisonTable(title, columns.stream().filter(keep).toList(), rows);
    }

    /** Rows whose label contains {@code text}, ignoring case (a search box). */
    public ComparisonTable matching(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        return filterRows(r -> r.label().toLowerCase(java.util.Locale.ROOT).contains(t));
    }

    private static Double value(Row r, Column c) {
        Cell cell = r.cell(c);
        return cell == null ? null : cell.value();
    }
}
