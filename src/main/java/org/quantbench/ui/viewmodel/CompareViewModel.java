package org.quantbench.ui.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.workbench.report.ChartKind;
import org.quantbench.workbench.report.ComparisonCharts;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.table.Cell;
import org.quantbench.workbench.table.Column;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.RunResults;
import org.quantbench.workbench.table.TableExports;

import java.util.List;

/**
 * The Compare view: the history of runs in the results database, and the table of one run or of several side by side
 * (base and schemes as rows, metrics as columns, change against the base). Filtering and sorting never lose rows:
 * {@link #shownProperty()} is derived from the full table each time.
 */
public final class CompareViewModel {
    private final ResultStore store;
    private final Background background;
    private final Dialogs dialogs;
    private final ObservableList<RunRecord> runs = FXCollections.observableArrayList();
    private final ObjectProperty<ComparisonTable> table = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<ComparisonTable> shown = new ReadOnlyObjectWrapper<>();
    private final StringProperty filter = new SimpleStringProperty("");
    private final ObjectProperty<String> sortColumn = new SimpleObjectProperty<>();
    private final BooleanProperty ascending = new SimpleBooleanProperty(true);
    private final BooleanProperty hideEmptyColumns = new SimpleBooleanProperty(true);
    private final ObservableList<ChartKind> chartKinds = FXCollections.observableArrayList();
    private final ObjectProperty<ChartKind> chartKind = new SimpleObjectProperty<>();

    public CompareViewModel(ResultStore store, Background background, Dialogs dialogs) {
        this.store = store;
        this.background = background;
        this.dialogs = dialogs;
        table.addListener(o -> derive());
        filter.addListener(o -> derive());
        sortColumn.addListener(o -> derive());
        ascending.addListener(o -> derive());
        hideEmptyColumns.addListener(o -> derive());
    }

    /** Reloads the history, newest first as the store lists it. */
    public void refresh() {
        background.submit(store::runs, runs::setAll, e -> dialogs.error("Cannot read the results database", ModelViewModel.reason(e)));
    }

    /** Shows one run's table, or several runs side by side. */
    public void show(List<RunRecord> selected) {
        if (selected.isEmpty()) {
            table.set(null);
            return;
        }
        List<RunRecord> chosen = List.copyOf(selected);
        background.submit(() -> {
            List<RunResults> results = chosen.stream().map(r -> StoredRun.results(store, r)).toList();
            return results.size() == 1 ? ComparisonTable.of(results.getFirst())
                    : ComparisonTable.sideBySide(results.size() + " runs side by side", results);
        }, table::set, e -> dialogs.error("Cannot read the run's results", ModelViewModel.reason(e)));
    }

    /** Shows a table built elsewhere (a run that is filling right now). */
    public void showLive(ComparisonTable live) {
        table.set(live);
    }

    private void derive() {
        ComparisonTable t = table.get();
        if (t == null) {
            shown.set(null);
            chartKinds.clear();
            chartKind.set(null);
            return;
        }
        if (hideEmptyColumns.get()) {
            ComparisonTable full = t;
            t = t.filterColumns(c -> full.rows().stream().anyMatch(r -> r.cell(c) != null));
        }
        String f = filter.get() == null ? "" : filter.get().strip();
        if (!f.isEmpty()) {
            t = t.matching(f);
        }
        String sort = sortColumn.get();
        if (sort != null && t.columns().stream().anyMatch(c -> c.id().equals(sort))) {
            t = t.sortedBy(sort, ascending.get(), true);
        }
        shown.set(t);
        chartKinds.setAll(ComparisonCharts.available(t));
        if (!chartKinds.contains(chartKind.get())) {
            chartKind.set(chartKinds.isEmpty() ? null : chartKinds.getFirst());
        }
    }

    /** Sorts by a column (the base stays first); the same column again flips the direction. */
    public void sortBy(String columnId) {
        if (columnId.equals(sortColumn.get())) {
            ascending.set(!ascending.get());
        } else {
            ascending.set(true);
            sortColumn.set(columnId);
        }
    }

    /** The cell's value with its standard error, e.g. "26.815 ± 0.120". */
    public static String valueText(Cell cell, Column c) {
        if (cell == null) {
            return "";
        }
        if (!cell.hasValue()) {
            return "failed";
        }
        return TableExports.format(cell.value(), c) + (cell.stderr() == null ? "" : " ± " + TableExports.format(cell.stderr(), c));
    }

    /** The change against the base, e.g. "+0.41 (+1.6%)" with "≈" when within noise; empty in the base row. */
    public static String deltaText(Cell cell, Column c) {
        if (cell == null || cell.delta() == null) {
            return "";
        }
        String pct = cell.deltaPct() == null ? "" : String.format(java.util.Locale.ROOT, " (%+.1f%%)", cell.deltaPct());
        return (cell.withinNoise() ? "≈ " : "") + (cell.delta() >= 0 ? "+" : "") + TableExports.format(cell.delta(), c) + pct;
    }

    /** The style of a delta: within noise, better or worse than the base (by the column's direction), or none. */
    public static String deltaStyle(Cell cell, Column c) {
        if (cell == null || cell.delta() == null || cell.delta() == 0 || c.higherIsBetter() == null) {
            return cell != null && cell.withinNoise() ? "within-noise" : "";
        }
        if (cell.withinNoise()) {
            return "within-noise";
        }
        return (cell.delta() > 0) == c.higherIsBetter() ? "delta-better" : "delta-worse";
    }

    public ObservableList<RunRecord> runs() { return runs; }

    /** The charts the shown table has data for (memory, accuracy, perplexity, KLD, throughput, Pareto, bits sweep). */
    public ObservableList<ChartKind> chartKinds() { return chartKinds; }

    public ObjectProperty<ChartKind> chartKindProperty() { return chartKind; }

    public ReadOnlyObjectProperty<ComparisonTable> shownProperty() { return shown.getReadOnlyProperty(); }

    /** The table before filtering and sorting (what exports write). */
    public ObjectProperty<ComparisonTable> tableProperty() { return table; }

    public StringProperty filterProperty() { return filter; }

    public ObjectProperty<String> sortColumnProperty() { return sortColumn; }

    public BooleanProperty ascendingProperty() { return ascending; }

    public BooleanProperty hideEmptyColumnsProperty() { return hideEmptyColumns; }
}
