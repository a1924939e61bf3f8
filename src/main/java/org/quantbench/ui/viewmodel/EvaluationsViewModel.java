package org.quantbench.ui.viewmodel;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Evaluations view: which metrics the run measures and with which settings (perplexity and KL divergence on
 * one text, multiple-choice tasks, throughput), plus the calibration data for GPTQ/AWQ-style schemes.
 * {@link #problems()} lists every invalid field, updated as the user types.
 */
public final class EvaluationsViewModel {
    private final BooleanProperty perplexity = new SimpleBooleanProperty(true);
    private final StringProperty textFile = new SimpleStringProperty("");
    private final IntField ctx = new IntField("context", "512", 2, 1 << 20, false);
    private final IntField stride = new IntField("stride", "512", 1, 1 << 20, false);
    private final BooleanProperty bos = new SimpleBooleanProperty(false);
    private final IntField maxTokens = new IntField("max tokens", "", 2, Integer.MAX_VALUE, true);
    private final IntField maxWindows = new IntField("max windows", "", 1, Integer.MAX_VALUE, true);
    private final BooleanProperty kld = new SimpleBooleanProperty(true);

    private final ObservableList<TaskChoice> tasks = FXCollections.observableArrayList(
            t -> new Observable[] {t.selected()});
    private final IntField taskLimit = new IntField("items per task", "", 1, Integer.MAX_VALUE, true);
    private final BooleanProperty seededSample = new SimpleBooleanProperty(false);
    private final StringProperty dataDir = new SimpleStringProperty("");

    private final BooleanProperty throughput = new SimpleBooleanProperty(true);
    private final IntField promptTokens = new IntField("prompt tokens", "128", 1, 1 << 20, false);
    private final IntField genTokens = new IntField("generated tokens", "32", 1, 1 << 20, false);
    private final IntField streams = new IntField("parallel streams", "4", 1, 256, false);
    private final IntField repeats = new IntField("repeats", "3", 1, 100, false);

    private final StringProperty calibrationFile = new SimpleStringProperty("");
    private final IntField calibrationSamples = new IntField("calibration samples", "32", 1, 100_000, false);
    private final IntField calibrationTokens = new IntField("calibration tokens per sample", "512", 8, 1 << 20, false);
    private final IntField threads = new IntField("threads", "", 1, 1024, true);
    private final IntField seed = new IntField("seed", "1234", 0, Integer.MAX_VALUE, false);

    private final ObservableList<String> problems = FXCollections.observableArrayList();

    public EvaluationsViewModel() {
        tasks.addAll(new TaskChoice("arc_easy", "ARC-Easy: grade-school science questions, 4 choices"),
                new TaskChoice("arc_challenge", "ARC-Challenge: the harder ARC questions"),
                new TaskChoice("piqa", "PIQA: physical common sense, 2 choices"),
                new TaskChoice("winogrande", "WinoGrande: pronoun resolution, 2 choices"),
                new TaskChoice("mmlu", "MMLU: 57 subjects, 4 choices (0-shot)"),
                new TaskChoice("hellaswag", "HellaSwag: sentence completion, 4 choices (needs its data file)"),
                new TaskChoice("lambada", "LAMBADA: last-word prediction (needs its data file)"));
        List<Observable> inputs = new ArrayList<>(List.of(perplexity, textFile, kld, tasks, throughput, calibrationFile));
        for (IntField f : intFields()) {
            inputs.add(f.textProperty());
        }
        inputs.forEach(o -> o.addListener(x -> validate()));
        validate();
    }

    private List<IntField> intFields() {
        return List.of(ctx, stride, maxTokens, maxWindows, taskLimit, promptTokens, genTokens, streams, repeats,
                calibrationSamples, calibrationTokens, threads, seed);
    }

    private void validate() {
        List<String> found = new ArrayList<>();
        for (IntField f : intFields()) {
            f.problem().ifPresent(found::add);
        }
        if ((perplexity.get() || kld.get()) && textFile.get().isBlank()) {
            found.add("perplexity / KLD: choose a text file (e.g. WikiText-2 wiki.test.raw)");
        }
        if (ctx.problem().isEmpty() && stride.problem().isEmpty()
                && stride.value().getAsInt() > ctx.value().getAsInt()) {
            found.add("stride: " + stride.value().getAsInt() + " is larger than the context " + ctx.value().getAsInt()
                    + " (tokens would be skipped)");
        }
        if (!perplexity.get() && !kld.get() && !throughput.get() && tasks.stream().noneMatch(TaskChoice::isSelected)) {
            found.add("choose at least one metric");
        }
        problems.setAll(found);
    }

    /** The names of the ticked tasks, in list order. */
    public List<String> selectedTasks() {
        return tasks.stream().filter(TaskChoice::isSelected).map(TaskChoice::name).toList();
    }

    /** Ticks exactly these task names; unknown ones are returned. */
    public List<String> selectTasks(List<String> names) {
        tasks.forEach(t -> t.selected().set(names.contains(t.name())));
        return names.stream().filter(n -> tasks.stream().noneMatch(t -> t.name().equals(n))).toList();
    }

    /** The first problem, for a one-line message. */
    public Optional<String> firstProblem() {
        return problems.stream().findFirst();
    }

    public ObservableList<String> problems() { return problems; }

    public BooleanProperty perplexityProperty() { return perplexity; }

    public StringProperty textFileProperty() { return textFile; }

    public IntField ctx() { return ctx; }

    public IntField stride() { return stride; }

    public BooleanProperty bosProperty() { return bos; }

    public IntField maxTokens() { return maxTokens; }

    public IntField maxWindows() { return maxWindows; }

    public BooleanProperty kldProperty() { return kld; }

    public ObservableList<TaskChoice> tasks() { return tasks; }

    public IntField taskLimit() { return taskLimit; }

    /** Draw the limited items as a seeded sample instead of the first ones. */
    public BooleanProperty seededSampleProperty() { return seededSample; }

    public StringProperty dataDirProperty() { return dataDir; }

    public BooleanProperty throughputProperty() { return throughput; }

    public IntField promptTokens() { return promptTokens; }

    public IntField genTokens() { return genTokens; }

    public IntField streams() { return streams; }

    public IntField repeats() { return repeats; }

    public StringProperty calibrationFileProperty() { return calibrationFile; }

    public IntField calibrationSamples() { return calibrationSamples; }

    public IntField calibrationTokens() { return calibrationTokens; }

    public IntField threads() { return threads; }

    public IntField seed() { return seed; }
}
