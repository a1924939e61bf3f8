package org.quantbench.ui.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.workbench.config.PathVariables;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Model view: which checkpoint (and optional separate tokenizer) the run uses, and its facts once opened.
 * Opening maps the file in the background and closes it again: the run reopens it itself.
 */
public final class ModelViewModel {
    private final Background background;
    private final Dialogs dialogs;
    private final StringProperty modelPath = new SimpleStringProperty("");
    private final StringProperty tokenizerPath = new SimpleStringProperty("");
    private final StringProperty label = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final ReadOnlyObjectWrapper<ModelSummary> summary = new ReadOnlyObjectWrapper<>();
    private final ObservableList<ModelSummary.Fact> facts = FXCollections.observableArrayList();
    private final StringProperty status = new SimpleStringProperty("No model open.");

    private final PathVariables paths;

    /** {@code paths} resolves what the user types or a config names, e.g. {@code ${DEMO}/stories260K.bin}. */
    public ModelViewModel(Background background, Dialogs dialogs, PathVariables paths) {
        this.background = background;
        this.dialogs = dialogs;
        this.paths = paths;
    }

    /** Paths from the working directory; {@code ${QUANTBENCH_SHARED}} works, {@code ${DEMO}} does not. */
    public ModelViewModel(Background background, Dialogs dialogs) {
        this(background, dialogs, new PathVariables(Path.of(""), PathVariables.defaultShared(), () -> {
            throw new IllegalArgumentException("${DEMO} is not set up here");
        }));
    }

    /** Opens the model at {@link #modelPathProperty()} (with the tokenizer, if one is named) and shows its facts. */
    public void open() {
        String text = modelPath.get() == null ? "" : modelPath.get().strip();
        if (text.isEmpty()) {
            dialogs.error("No model", "Choose a HF folder, a .gguf file or a llama2.c .bin first.");
            return;
        }
        String tok = tokenizerPath.get() == null ? "" : tokenizerPath.get().strip();
        Path model;
        Path tokenizer;
        try {
            model = paths.resolve(text);
            tokenizer = tok.isEmpty() ? null : paths.resolve(tok);
        } catch (RuntimeException e) {
            dialogs.error("Cannot open model", reason(e));
            return;
        }
        busy.set(true);
        status.set("Opening " + model.getFileName() + "...");
        background.submit(() -> {
            try (Checkpoint checkpoint = CheckpointLoader.open(model, tokenizer)) {
                return ModelSummary.of(checkpoint);
            }
        }, opened -> {
            busy.set(false);
            summary.set(opened);
            facts.setAll(opened.facts(text));
            if (label.get() == null || label.get().isBlank()) {
                label.set(defaultLabel(opened.source()));
            }
            status.set("Opened " + opened.source().getFileName() + ".");
        }, failure -> {
            busy.set(false);
            status.set("Could not open " + model.getFileName() + ".");
            dialogs.error("Cannot open model", reason(failure));
        });
    }

    /** Sets the model path (and a tokenizer, or none) and opens it. */
    public void open(Path model, Path tokenizer) {
        modelPath.set(model.toString());
        tokenizerPath.set(tokenizer == null ? "" : tokenizer.toString());
        label.set("");
        open();
    }

    private static String defaultLabel(Path source) {
        Path name = source.getFileName();
        return "base = " + (name == null ? source : name) + (Files.isDirectory(source) ? "" : " as stored");
    }

    /** The message of the failure, or its type when it has none: never a stack trace. */
    static String reason(Exception failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    public StringProperty modelPathProperty() { return modelPath; }

    public StringProperty tokenizerPathProperty() { return tokenizerPath; }

    /** How the base row is labelled in tables, e.g. "base = Q4_1 dequantized". */
    public StringProperty labelProperty() { return label; }

    public BooleanProperty busyProperty() { return busy; }

    public ReadOnlyObjectProperty<ModelSummary> summaryProperty() { return summary.getReadOnlyProperty(); }

    public ObservableList<ModelSummary.Fact> facts() { return facts; }

    public StringProperty statusProperty() { return status; }
}
