package org.quantbench.ui.viewmodel;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.beans.property.SimpleObjectProperty;
import org.quantbench.workbench.report.ChartExporter;
import org.quantbench.workbench.report.ChartFormat;
import org.quantbench.workbench.report.ChartKind;
import org.quantbench.workbench.report.ComparisonCharts;
import org.quantbench.workbench.report.ReportFiles;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.TableExports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Export view: a chart as PNG, SVG or PDF at a chosen size, the Compare table as CSV, Markdown or JSON, or a
 * one-click HTML report with every chart, into a chosen folder. Every file is written atomically,
 * so a full disk leaves no half file under the final name; the reason is shown and nothing else changes.
 */
public final class ExportViewModel {
    /** The table formats, by file extension. */
    public enum TableFormat { CSV, MARKDOWN, JSON;

        public String extension() {
            return this == MARKDOWN ? "md" : name().toLowerCase(Locale.ROOT);
        }
    }

    private final ObjectProperty<ComparisonTable> table;
    private final Dialogs dialogs;
    private final StringProperty folder = new SimpleStringProperty("");
    private final StringProperty baseName = new SimpleStringProperty("table");
    private final ObservableList<String> written = FXCollections.observableArrayList();
    private final ObservableList<ChartKind> chartKinds = FXCollections.observableArrayList();
    private final ObjectProperty<ChartKind> chartKind = new SimpleObjectProperty<>();
    private final IntField width = new IntField("width", "1000", ChartExporter.MIN_SIZE, ChartExporter.MAX_SIZE, false);
    private final IntField height = new IntField("height", "600", ChartExporter.MIN_SIZE, ChartExporter.MAX_SIZE, false);

    /** @param table the Compare view's full table (exports ignore the on-screen filter and sort) */
    public ExportViewModel(ObjectProperty<ComparisonTable> table, Dialogs dialogs) {
        this.table = table;
        this.dialogs = dialogs;
        table.addListener((o, was, now) -> {
            chartKinds.setAll(now == null ? List.of() : ComparisonCharts.available(now));
            if (!chartKinds.contains(chartKind.get())) {
                chartKind.set(chartKinds.isEmpty() ? null : chartKinds.getFirst());
            }
        });
    }

    /** Writes the chosen chart at the chosen size as {@code baseName-<chart>.<ext>}. */
    public Optional<Path> exportChart(ChartFormat format) {
        ComparisonTable t = table.get();
        ChartKind kind = chartKind.get();
        if (t == null || kind == null) {
            dialogs.error("Nothing to export", "No chart: run a comparison or open one from the history first.");
            return Optional.empty();
        }
        Optional<String> bad = width.problem().or(height::problem);
        if (bad.isPresent()) {
            dialogs.error("Invalid size", bad.get());
            return Optional.empty();
        }
        Optional<Path> file = target(kind.fileStem() + "." + format.extension());
        if (file.isEmpty()) {
            return file;
        }
        try {
            ChartExporter.export(ComparisonCharts.create(kind, t), file.get(), format, width.value().getAsInt(),
                    height.value().getAsInt());
            written.add(file.get().toString());
            return file;
        } catch (IOException | RuntimeException e) {
            dialogs.error("Export failed", ModelViewModel.reason(e));
            return Optional.empty();
        }
    }

    /** One click: every chart as PNG and SVG plus the self-contained report.html, into the folder. */
    public List<Path> exportReport() {
        ComparisonTable t = table.get();
        if (t == null) {
            dialogs.error("Nothing to export", "Run a comparison or open one from the history on the Compare page first.");
            return List.of();
        }
        String dir = folder.get() == null ? "" : folder.get().strip();
        if (dir.isEmpty()) {
            dialogs.error("No folder", "Choose the folder to export into.");
            return List.of();
        }
        try {
            List<Path> files = ReportFiles.write(t, List.of(), List.of("Exported from the QuantBench workbench."),
                    Path.of(dir), EnumSet.of(ChartFormat.PNG, ChartFormat.SVG), width.value().orElse(1000),
                    height.value().orElse(600));
            files.forEach(f -> written.add(f.toString()));
            return files;
        } catch (IOException | RuntimeException e) {
            dialogs.error("Export failed", ModelViewModel.reason(e));
            return List.of();
        }
    }

    /** Writes the table in {@code format}; returns the file, or empty when there was nothing or it failed (shown). */
    public Optional<Path> exportTable(TableFormat format) {
        ComparisonTable t = table.get();
        if (t == null) {
            dialogs.error("Nothing to export", "Run a comparison or open one from the history on the Compare page first.");
            return Optional.empty();
        }
        Optional<Path> file = target(format.extension());
        if (file.isEmpty()) {
            return file;
        }
        try {
            switch (format) {
                case CSV -> TableExports.writeCsv(t, file.get());
                case MARKDOWN -> TableExports.writeMarkdown(t, file.get());
                case JSON -> TableExports.writeJson(t, file.get());
            }
            written.add(file.get().toString());
            return file;
        } catch (RuntimeException e) {
            dialogs.error("Export failed", ModelViewModel.reason(e));
            return Optional.empty();
        }
    }

    /** {@code folder/baseName.extension} (a chart's extension carries its stem: {@code baseName-stem.ext}), or empty (with a dialog) when no folder is chosen. */
    Optional<Path> target(String extension) {
        String dir = folder.get() == null ? "" : folder.get().strip();
        if (dir.isEmpty()) {
            dialogs.error("No folder", "Choose the folder to export into.");
            return Optional.empty();
        }
        String name = baseName.get() == null || baseName.get().isBlank() ? "table" : baseName.get().strip();
        return Optional.of(Path.of(dir).resolve(name + (extension.contains(".") ? "-" : ".") + extension));
    }

    public StringProperty folderProperty() { return folder; }

    /** The charts the current table has data for. */
    public ObservableList<ChartKind> chartKinds() { return chartKinds; }

    public ObjectProperty<ChartKind> chartKindProperty() { return chartKind; }

    public IntField width() { return width; }

    public IntField height() { return height; }

    /** File name without extension. */
    public StringProperty baseNameProperty() { return baseName; }

    /** The files written so far, newest last. */
    public ObservableList<String> written() { return written; }
}
