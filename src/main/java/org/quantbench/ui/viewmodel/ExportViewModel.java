package org.quantbench.ui.viewmodel;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.TableExports;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The Export view: the Compare table as CSV, Markdown or JSON into a chosen folder. Every file is written atomically,
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

    /** @param table the Compare view's full table (exports ignore the on-screen filter and sort) */
    public ExportViewModel(ObjectProperty<ComparisonTable> table, Dialogs dialogs) {
        this.table = table;
        this.dialogs = dialogs;
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

    /** {@code folder/baseName.extension}, or empty (with a dialog) when no folder is chosen. */
    Optional<Path> target(String extension) {
        String dir = folder.get() == null ? "" : folder.get().strip();
        if (dir.isEmpty()) {
            dialogs.error("No folder", "Choose the folder to export into.");
            return Optional.empty();
        }
        String name = baseName.get() == null || baseName.get().isBlank() ? "table" : baseName.get().strip();
        return Optional.of(Path.of(dir).resolve(name + "." + extension));
    }

    public StringProperty folderProperty() { return folder; }

    /** File name without extension. */
    public StringProperty baseNameProperty() { return baseName; }

    /** The files written so far, newest last. */
    public ObservableList<String> written() { return written; }
}
