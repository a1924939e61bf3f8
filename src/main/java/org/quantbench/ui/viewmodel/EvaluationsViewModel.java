package org.quantbench.ui.viewmodel;

import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.workbench.config.KldSettings;
import org.quantbench.workbench.config.TaskSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Evaluations view: which metrics the run measures and with which settings (perplexity and KL divergence on
 * one text, multiple-choice tasks, throughput), plus the calibration data for GPTQ/AWQ-style schemes. Every field of
 * a run config's evaluations has a place here, so a loaded config is saved back unchanged.
 * {@link #problems()} lists every invalid field, updated as the user types.
 */
public final class EvaluationsViewModel {
    /** Whether each window starts with BOS: as the tokenizer says (add_bos_token), always or never. */
    public enum Bos {
        TOKENIZER("as the tokenizer says"), YES("yes"), NO("no");

        private final String label;

        Bos(String label) { this.label = label; }

        /** The config's value: null leaves it to the tokenizer. */
        public Boolean value() { return this == TOKENIZER ? null : this == YES; }

        public static Bos of(Boolean value) { return value == null ? TOKENIZER : value ? YES : NO; }

        @Override
        public String toString() { return label; }
    }

    private final BooleanProperty perplexity = new SimpleBooleanProperty(true);
    private final StringProperty textFile = new SimpleStringProperty("");
    private final IntField ctx = new IntField("context", "512", 2, 1 << 20, false);
    private final IntField stride = new IntField("stride", "", 1, 1 << 20, true);
    private final ObjectProperty<Bos> bos = new SimpleObjectProperty<>(Bos.TOKENIZER);
    private final IntField maxTokens = new IntField("max tokens", "", 2, Integer.MAX_VALUE, true);
    private final IntField maxWindows = new IntField("max windows", "", 1, Integer.MAX_VALUE, true);
    private final IntField maxBytes = new IntField("max bytes", "", 1, Long.MAX_VALUE, true);
    private final StringProperty split = new SimpleStringProperty("");
    private final BooleanProperty kld = new SimpleBooleanProperty(true);
    private final ObjectProperty<KldSettings> kldOverrides = new SimpleObjectProperty<>();
    private final StringBinding kldNote = Bindings.createStringBinding(() -> describe(kldOverrides.get()), kldOverrides);

    private final ObservableList<TaskChoice> tasks = FXCollections.observableArrayList(
            t -> new Observable[] {t.selected()});
    private final StringProperty otherTasks = new SimpleStringProperty("");
    private final IntField taskLimit = new IntField("items per task", "", 1, Integer.MAX_VALUE, true);
    private final IntField sampleSeed = new IntField("sample seed", "", 0, Long.MAX_VALUE, true);
    private final StringProperty taskSamples = new SimpleStringProperty("");
    private final IntField numFewshot = new IntField("few-shot examples", "", 0, 100, true);
    private final IntField taskBatch = new IntField("items scored at once", "", 1, 4096, true);
    private final StringProperty dataDir = new SimpleStringProperty("");
    private List<String> taskOrder = List.of();

    private final BooleanProperty throughput = new SimpleBooleanProperty(true);
    private final IntField promptTokens = new IntField("prompt tokens", "128", 1, 1 << 20, false);
    private final IntField genTokens = new IntField("generated tokens", "32", 1, 1 << 20, false);
    private final StringProperty streams = new SimpleStringProperty("1, 4");
    private final IntField repeats = new IntField("repeats", "3", 1, 100, false);
    private final IntField warmup = new IntField("warm-up runs", "1", 0, 100, false);

    private final StringProperty calibrationFile = new SimpleStringProperty("");
    private final IntField calibrationSamples = new IntField("calibration samples", "32", 1, 100_000, false);
    private final IntField calibrationTokens = new IntField("calibration tokens per sample", "512", 8, 1 << 20, false);
    private final IntField calibrationSeed = new IntField("calibration seed", "0", 0, Long.MAX_VALUE, false);
    private final IntField threads = new IntField("threads", "", 1, 1024, true);
    private final IntField seed = new IntField("seed", "1234", 0, Long.MAX_VALUE, false);

    private final ObservableList<String> problems = FXCollections.observableArrayList();

    public EvaluationsViewModel() {
        tasks.addAll(new TaskChoice("arc_easy", "ARC-Easy: grade-school science questions, 4 choices"),
                new TaskChoice("arc_challenge", "ARC-Challenge: the harder ARC questions"),
                new TaskChoice("piqa", "PIQA: physical common sense, 2 choices"),
                new TaskChoice("winogrande", "WinoGrande: pronoun resolution, 2 choices"),
                new TaskChoice("mmlu", "MMLU: 57 subjects, 4 choices (0-shot)"),
                new TaskChoice("hellaswag", "HellaSwag: sentence completion, 4 choices (needs its data file)"),
                new TaskChoice("lambada", "LAMBADA: last-word prediction (needs its data file)"));
        List<Observable> inputs = new ArrayList<>(List.of(perplexity, textFile, kld, tasks, otherTasks, taskSamples,
                throughput, streams, calibrationFile));
        for (IntField f : intFields()) {
            inputs.add(f.textProperty());
        }
        inputs.forEach(o -> o.addListener(x -> validate()));
        validate();
    }

    private List<IntField> intFields() {
        return List.of(ctx, stride, maxTokens, maxWindows, maxBytes, taskLimit, sampleSeed, numFewshot, taskBatch,
                promptTokens, genTokens, repeats, warmup, calibrationSamples, calibrationTokens, calibrationSeed,
                threads, seed);
    }

    private void validate() {
        List<String> found = new ArrayList<>();
        for (IntField f : intFields()) {
            f.problem().ifPresent(found::add);
        }
        if ((perplexity.get() || kld.get()) && textFile.get().isBlank()) {
            found.add("perplexity / KLD: choose a text file (e.g. WikiText-2 wiki.test.raw)");
        }
        if (ctx.problem().isEmpty() && stride.problem().isEmpty() && stride.value().isPresent()
                && stride.value().getAsInt() > ctx.value().getAsInt()) {
            found.add("stride: " + stride.value().getAsInt() + " is larger than the context " + ctx.value().getAsInt()
                    + " (tokens would be skipped)");
        }
        streamProblem().ifPresent(found::add);
        sampleProblem().ifPresent(found::add);
        if (!perplexity.get() && !kld.get() && !throughput.get() && selectedTasks().isEmpty()) {
            found.add("choose at least one metric");
        }
        problems.setAll(found);
    }

    private Optional<String> streamProblem() {
        List<String> parts = streamParts();
        if (parts.isEmpty()) {
            return Optional.of("parallel streams: required, e.g. 1, 4");
        }
        for (String p : parts) {
            try {
                int n = Integer.parseInt(p);
                if (n < 1 || n > 256) {
                    return Optional.of("parallel streams: " + n + " is outside 1..256");
                }
            } catch (NumberFormatException e) {
                return Optional.of("parallel streams: '" + p + "' is not a whole number");
            }
        }
        return Optional.empty();
    }

    private List<String> streamParts() {
        String t = streams.get() == null ? "" : streams.get();
        return Arrays.stream(t.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    /** The stream counts of the throughput test, in the order typed (call only when there are no problems). */
    public List<Integer> streamCounts() {
        return streamParts().stream().map(Integer::parseInt).toList();
    }

    public void setStreamCounts(List<Integer> counts) {
        streams.set(String.join(", ", counts.stream().map(String::valueOf).toList()));
    }

    /**
     * The task names of the run: the ticked ones and those typed under "other tasks" ({@code mmlu_<subject>},
     * {@code NAME=PATH}, {@code spec:PATH}), in the order {@link #selectTasks} was given, then in list order.
     */
    public List<String> selectedTasks() {
        List<String> names = new ArrayList<>(tasks.stream().filter(TaskChoice::isSelected).map(TaskChoice::name).toList());
        Arrays.stream((otherTasks.get() == null ? "" : otherTasks.get()).split(","))
                .map(String::strip).filter(s -> !s.isEmpty() && !names.contains(s)).forEach(names::add);
        List<String> order = taskOrder;
        names.sort(Comparator.comparingInt(n -> order.contains(n) ? order.indexOf(n) : order.size()));
        return names;
    }

    /** Ticks the listed names and puts the others under "other tasks", remembering the order; returns the others. */
    public List<String> selectTasks(List<String> names) {
        taskOrder = List.copyOf(names);
        tasks.forEach(t -> t.selected().set(names.contains(t.name())));
        List<String> other = names.stream().filter(n -> tasks.stream().noneMatch(t -> t.name().equals(n))).toList();
        otherTasks.set(String.join(", ", other));
        return other;
    }

    /** The first problem, for a one-line message. */
    public Optional<String> firstProblem() {
        return problems.stream().findFirst();
    }

    public ObservableList<String> problems() { return problems; }

    public BooleanProperty perplexityProperty() { return perplexity; }

    public StringProperty textFileProperty() { return textFile; }

    public IntField ctx() { return ctx; }

    /** Blank: the context (windows do not overlap). */
    public IntField stride() { return stride; }

    public ObjectProperty<Bos> bosProperty() { return bos; }

    public IntField maxTokens() { return maxTokens; }

    public IntField maxWindows() { return maxWindows; }

    /** Read only the first N bytes of the text; blank reads all. */
    public IntField maxBytes() { return maxBytes; }

    /** A line that separates documents (each scored alone), e.g. {@code <|endoftext|>}; blank keeps the text whole. */
    public StringProperty splitProperty() { return split; }

    public BooleanProperty kldProperty() { return kld; }

    /**
     * KLD settings of a loaded config that differ from the perplexity ones (e.g. fewer windows); they are kept while
     * perplexity is measured too, and saved back. Null: KLD uses exactly the perplexity settings.
     */
    public ObjectProperty<KldSettings> kldOverridesProperty() { return kldOverrides; }

    /** What {@link #kldOverridesProperty()} keeps, in words, or blank. */
    public StringBinding kldNoteProperty() { return kldNote; }

    private static String describe(KldSettings k) {
        if (k == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        java.util.function.BiConsumer<String, Object> add = (n, v) -> {
            if (v != null) {
                parts.add(n + " " + v);
            }
        };
        add.accept("text", k.text());
        add.accept("ctx", k.ctx());
        add.accept("stride", k.stride());
        add.accept("bos", k.bos());
        add.accept("maxTokens", k.maxTokens());
        add.accept("maxWindows", k.maxWindows());
        add.accept("maxBytes", k.maxBytes());
        add.accept("split", k.split());
        return "KLD keeps the loaded config's own " + String.join(", ", parts) + " (the rest as perplexity).";
    }

    public ObservableList<TaskChoice> tasks() { return tasks; }

    /** Comma-separated task names beyond the checkboxes. */
    public StringProperty otherTasksProperty() { return otherTasks; }

    public IntField taskLimit() { return taskLimit; }

    /** Draw the limited items at random with this seed; blank takes the first ones. */
    public IntField sampleSeed() { return sampleSeed; }

    /**
     * Tasks whose items are drawn at random instead of "items per task", as {@code TASK=N, ...} (e.g. {@code mmlu=1000}:
     * for a group, across all its subjects in proportion to their sizes).
     */
    public StringProperty taskSamplesProperty() { return taskSamples; }

    /** Shows a config's per-task samples in {@link #taskSamplesProperty()}. */
    public void setTaskSamples(Map<String, Integer> samples) {
        taskSamples.set(samples == null ? "" : String.join(", ", samples.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }

    /** The per-task samples typed, null when none; only call when {@link #firstProblem()} is empty. */
    public Map<String, Integer> taskSamples() {
        Map<String, Integer> samples = new LinkedHashMap<>();
        for (String entry : sampleEntries()) {
            String[] kv = entry.split("=", 2);
            samples.put(kv[0].strip(), Integer.parseInt(kv[1].strip()));
        }
        return samples.isEmpty() ? null : samples;
    }

    private List<String> sampleEntries() {
        return Arrays.stream((taskSamples.get() == null ? "" : taskSamples.get()).split(","))
                .map(String::strip).filter(e -> !e.isEmpty()).toList();
    }

    private Optional<String> sampleProblem() {
        List<String> tasks = selectedTasks().stream().map(TaskSettings::taskName).toList();
        for (String entry : sampleEntries()) {
            String[] kv = entry.split("=", 2);
            if (kv.length != 2 || !kv[1].strip().matches("[0-9]{1,9}") || Integer.parseInt(kv[1].strip()) < 1) {
                return Optional.of("sampled tasks: '" + entry + "' is not TASK=N with N at least 1");
            }
            if (!tasks.contains(kv[0].strip())) {
                return Optional.of("sampled tasks: " + kv[0].strip() + " is not a selected task");
            }
        }
        return Optional.empty();
    }

    /** Blank: 0-shot. */
    public IntField numFewshot() { return numFewshot; }

    /** Items scored concurrently; blank: 1 (scores do not depend on it). */
    public IntField taskBatch() { return taskBatch; }

    public StringProperty dataDirProperty() { return dataDir; }

    public BooleanProperty throughputProperty() { return throughput; }

    public IntField promptTokens() { return promptTokens; }

    public IntField genTokens() { return genTokens; }

    /** Stream counts of the throughput test, e.g. "1, 4". */
    public StringProperty streamsProperty() { return streams; }

    public IntField repeats() { return repeats; }

    public IntField warmup() { return warmup; }

    public StringProperty calibrationFileProperty() { return calibrationFile; }

    public IntField calibrationSamples() { return calibrationSamples; }

    public IntField calibrationTokens() { return calibrationTokens; }

    public IntField calibrationSeed() { return calibrationSeed; }

    public IntField threads() { return threads; }

    public IntField seed() { return seed; }
}
