package org.quantbench.ui.viewmodel;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.quant.CacheContents;
import org.quantbench.quant.QuantizedModelStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Cache page: the quantized models on disk (finished entries, calibration runs that the next run of the same
 * quantization continues, folders a stopped process left), their sizes and what they take together; deletes what the
 * user no longer wants, never a folder a running quantization writes. Listing and deleting walk the disk, so both run
 * in the background.
 */
public final class CacheViewModel {
    private final QuantizedModelStore store;
    private final Background background;
    private final Dialogs dialogs;
    private final ObservableList<CacheRow> rows = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanBinding deletableUnfinished = Bindings.createBooleanBinding(
            () -> rows.stream().anyMatch(r -> !r.folder().finished() && !r.folder().inUse()), rows);

    public CacheViewModel(Path cacheRoot, Background background, Dialogs dialogs) {
        this.store = new QuantizedModelStore(cacheRoot);
        this.background = background;
        this.dialogs = dialogs;
    }

    public ObservableList<CacheRow> rows() { return rows; }

    /** "N entries (M unfinished), SIZE in FOLDER", or what went wrong reading it. */
    public ReadOnlyStringProperty summaryProperty() { return summary; }

    /** True while the cache is being read or deleted from. */
    public ReadOnlyBooleanProperty busyProperty() { return busy; }

    public Path root() { return store.root(); }

    /** Reads the cache folder again. */
    public void refresh() {
        busy.set(true);
        background.submit(() -> CacheContents.list(store), this::show, e -> {
            busy.set(false);
            summary.set("Cannot read " + store.root() + ": " + e.getMessage());
        });
    }

    /** Deletes the folders of {@code selected} once the user agrees; a later run quantizes them again. */
    public void delete(List<CacheRow> selected) {
        if (selected.isEmpty()) {
            return;
        }
        List<CacheContents.Folder> folders = selected.stream().map(CacheRow::folder).toList();
        String what = folders.size() == 1 ? folders.get(0).name() : folders.size() + " folders";
        String saved = folders.stream().anyMatch(f -> f.resumable() && f.layersDone().orElse(0) > 0)
                ? " The layers an unfinished calibration run saved are lost with it." : "";
        if (dialogs.confirm("Delete from the cache", "Delete " + what + " (" + Formats.bytes(total(folders)) + ")? A later run"
                + " that needs it quantizes the model again." + saved)) {
            remove(folders);
        }
    }

    /** Whether some unfinished folder can be deleted (no running quantization holds it). */
    public BooleanBinding deletableUnfinishedProperty() { return deletableUnfinished; }

    /** Deletes every unfinished folder no running quantization holds, once the user agrees. */
    public void deleteUnfinished() {
        List<CacheContents.Folder> unfinished = rows.stream().map(CacheRow::folder).filter(f -> !f.finished() && !f.inUse()).toList();
        if (!unfinished.isEmpty() && dialogs.confirm("Delete unfinished quantizations", "Delete " + unfinished.size() + " unfinished folder"
                + (unfinished.size() == 1 ? "" : "s") + " (" + Formats.bytes(total(unfinished)) + ")? Calibration runs saved"
                + " there start again from the first layer.")) {
            remove(unfinished);
        }
    }

    private void remove(List<CacheContents.Folder> folders) {
        busy.set(true);
        background.submit(() -> {
            List<String> refused = new ArrayList<>();
            for (CacheContents.Folder f : folders) {
                try {
                    CacheContents.delete(f);
                } catch (IllegalStateException | java.io.UncheckedIOException e) {
                    refused.add(f.name() + ": " + e.getMessage());
                }
            }
            return refused;
        }, refused -> {
            if (!refused.isEmpty()) {
                dialogs.error("Not deleted", String.join("\n", refused));
            }
            refresh();
        }, e -> {
            dialogs.error("Cannot delete from the cache", e.getMessage());
            refresh();
        });
    }

    private void show(List<CacheContents.Folder> folders) {
        rows.setAll(folders.stream().map(CacheRow::new).toList());
        long unfinished = folders.stream().filter(f -> !f.finished()).count();
        summary.set(folders.size() + (folders.size() == 1 ? " entry" : " entries") + " (" + unfinished + " unfinished), "
                + Formats.bytes(total(folders)) + " in " + store.root());
        busy.set(false);
    }

    private static long total(List<CacheContents.Folder> folders) {
        return folders.stream().mapToLong(CacheContents.Folder::bytes).sum();
    }
}
