package org.quantbench.ui.viewmodel;

import com.fasterxml.jackson.databind.JsonNode;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.workbench.config.CalibrationSettings;
import org.quantbench.workbench.config.Evaluations;
import org.quantbench.workbench.config.KldSettings;
import org.quantbench.workbench.config.ModelSource;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.PerplexitySettings;
import org.quantbench.workbench.config.RunConfig;
import org.quantbench.workbench.config.RunConfigFile;
import org.quantbench.workbench.config.TaskSettings;
import org.quantbench.workbench.config.ThroughputSettings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The whole setup as one run config: built from the Model, Schemes and Evaluations views, saved to and loaded from
 * run-config JSON (the same files {@code quantbench run} takes). Profiles of a loaded config are kept when it is saved.
 */
public final class RunSetupViewModel {
    private final ModelViewModel model;
    private final SchemesViewModel schemes;
    private final EvaluationsViewModel evaluations;
    private final Dialogs dialogs;
    private final PathVariables paths;
    private final StringProperty name = new SimpleStringProperty("workbench run");
    private final StringProperty profile = new SimpleStringProperty("");
    /** The demo's run config: a copy of sample-configs/demo-stories260k.json (a test keeps them equal). */
    static final String DEMO_CONFIG = "demo-stories260k.json";
    private static final KldSettings NO_OVERRIDES = new KldSettings(null, null, null, null, null, null, null, null);
    private Map<String, JsonNode> profiles = Map.of();
    private String output;

    public RunSetupViewModel(ModelViewModel model, SchemesViewModel schemes, EvaluationsViewModel evaluations,
                             Dialogs dialogs, PathVariables paths) {
        this.model = model;
        this.schemes = schemes;
        this.evaluations = evaluations;
        this.dialogs = dialogs;
        this.paths = paths;
    }

    /**
     * The config the views describe, as a run takes it: the ticked schemes.
     *
     * @throws IllegalArgumentException naming the first problem (no model, an invalid field)
     */
    public RunConfig toConfig() {
        return build(schemes.selectedNames());
    }

    /**
     * The config as {@link #save} writes it into {@code dir}: schemes of a loaded config that cannot run yet are kept
     * (unticked), and paths inside {@code dir} become relative to it, as a config's relative paths are read.
     */
    public RunConfig toConfigFor(Path dir) {
        RunConfig c = build(schemes.namesToSave());
        Path base = dir.toAbsolutePath().normalize();
        ModelSource m = c.model();
        Evaluations ev = c.evaluations();
        PerplexitySettings p = ev.perplexity();
        KldSettings k = ev.kld();
        TaskSettings t = ev.tasks();
        CalibrationSettings cal = c.calibration();
        return new RunConfig(c.name(), new ModelSource(relative(m.path(), base), relative(m.tokenizer(), base), m.label()),
                c.schemes(), c.quantizeLmHead(),
                cal == null ? null : new CalibrationSettings(relative(cal.file(), base), cal.samples(), cal.tokens(), cal.seed()),
                new Evaluations(p == null ? null : new PerplexitySettings(relative(p.text(), base), p.ctx(), p.stride(), p.bos(),
                        p.maxTokens(), p.maxWindows(), p.maxBytes(), p.split()),
                        k == null ? null : new KldSettings(relative(k.text(), base), k.ctx(), k.stride(), k.bos(), k.maxTokens(),
                                k.maxWindows(), k.maxBytes(), k.split()),
                        t == null ? null : new TaskSettings(t.names(), t.limit(), t.sampleSeed(), t.numFewshot(),
                                relative(t.dataDir(), base), t.batch(), t.samples()),
                        ev.throughput()),
                c.threads(), c.seed(), c.output(), c.profiles());
    }

    private RunConfig build(List<String> schemeNames) {
        String path = model.modelPathProperty().get().strip();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("model: choose a model on the Model page");
        }
        evaluations.firstProblem().ifPresent(p -> {
            throw new IllegalArgumentException("evaluations: " + p);
        });
        EvaluationsViewModel e = evaluations;
        PerplexitySettings ppl = e.perplexityProperty().get() ? textSettings() : null;
        TaskSettings tasks = e.selectedTasks().isEmpty() ? null : new TaskSettings(e.selectedTasks(),
                orNull(e.taskLimit().value()), orNull(e.sampleSeed().longValue()), orNull(e.numFewshot().value()),
                blankToNull(e.dataDirProperty().get()), orNull(e.taskBatch().value()), e.taskSamples());
        ThroughputSettings tp = !e.throughputProperty().get() ? null : new ThroughputSettings(e.promptTokens().value().getAsInt(),
                e.genTokens().value().getAsInt(), e.streamCounts(), e.repeats().value().getAsInt(), e.warmup().value().getAsInt());
        String cal = e.calibrationFileProperty().get().strip();
        CalibrationSettings calibration = cal.isEmpty() ? null : new CalibrationSettings(cal,
                e.calibrationSamples().value().getAsInt(), e.calibrationTokens().value().getAsInt(),
                e.calibrationSeed().longValue().getAsLong());
        String tok = model.tokenizerPathProperty().get().strip();
        return new RunConfig(name.get(), new ModelSource(path, tok.isEmpty() ? null : tok, model.labelProperty().get()),
                schemeNames, schemes.quantizeLmHeadProperty().get(), calibration,
                new Evaluations(ppl, e.kldProperty().get() ? kld(ppl) : null, tasks, tp),
                orNull(e.threads().value()), e.seed().longValue().getAsLong(), output, profiles);
    }

    private PerplexitySettings textSettings() {
        EvaluationsViewModel e = evaluations;
        return new PerplexitySettings(e.textFileProperty().get().strip(), e.ctx().value().getAsInt(), orNull(e.stride().value()),
                e.bosProperty().get().value(), orNull(e.maxTokens().value()), orNull(e.maxWindows().value()),
                orNull(e.maxBytes().longValue()), blankToNull(e.splitProperty().get()));
    }

    /**
     * KLD next to perplexity: the loaded config's own KLD settings when it had some, else {@code {}} (exactly the
     * perplexity tokens). KLD alone: the text settings of the view, written as the loaded config had them when
     * they mean the same.
     */
    private KldSettings kld(PerplexitySettings ppl) {
        KldSettings kept = evaluations.kldOverridesProperty().get();
        if (ppl != null) {
            return kept != null ? kept : NO_OVERRIDES;
        }
        PerplexitySettings p = textSettings();
        KldSettings own = new KldSettings(p.text(), p.ctx(), p.stride(), p.bos(), orNull(evaluations.maxTokens().value()),
                orNull(evaluations.maxWindows().value()), orNull(evaluations.maxBytes().longValue()), p.split());
        return kept != null && kept.text() != null && kept.over(null).equals(own.over(null)) ? kept : own;
    }

    /** Fills the views from {@code config}; relative paths are taken from {@code baseDir}, ${...} variables kept. */
    public void apply(RunConfig config, Path baseDir) {
        PathVariables local = paths.withBaseDir(baseDir);
        name.set(config.name());
        profiles = config.profiles();
        output = config.output();
        model.modelPathProperty().set(shown(config.model().path(), local));
        model.tokenizerPathProperty().set(config.model().tokenizer() == null ? "" : shown(config.model().tokenizer(), local));
        model.labelProperty().set(config.model().label());
        List<String> refused = schemes.selectOnly(config.schemes());
        schemes.quantizeLmHeadProperty().set(config.quantizeLmHead());

        EvaluationsViewModel e = evaluations;
        Evaluations ev = config.evaluations();
        e.perplexityProperty().set(ev.perplexity() != null);
        e.kldProperty().set(ev.kld() != null);
        // KLD settings beyond "{}" (its own text, or fewer windows than perplexity) are kept as the config says.
        e.kldOverridesProperty().set(ev.kld() == null || ev.kld().equals(NO_OVERRIDES) ? null : ev.kld());
        PerplexitySettings text = ev.perplexity() != null ? ev.perplexity() : ev.kld() != null ? ev.kld().over(null) : null;
        if (text != null) {
            e.textFileProperty().set(shown(text.text(), local));
            e.ctx().set(text.ctx());
            e.stride().set(text.stride());
            e.bosProperty().set(EvaluationsViewModel.Bos.of(text.bos()));
            e.maxTokens().set(text.maxTokens() == 0 ? null : text.maxTokens());
            e.maxWindows().set(text.maxWindows() == 0 ? null : text.maxWindows());
            e.maxBytes().setLong(text.maxBytes() == 0 ? null : text.maxBytes());
            e.splitProperty().set(text.split() == null ? "" : text.split());
        }
        TaskSettings tasks = ev.tasks();
        e.selectTasks(tasks == null ? List.of() : tasks.names());
        if (tasks != null) {
            e.taskLimit().set(tasks.limit() == 0 ? null : tasks.limit());
            e.sampleSeed().setLong(tasks.sampleSeed());
            e.numFewshot().set(tasks.numFewshot() == 0 ? null : tasks.numFewshot());
            e.taskBatch().set(tasks.batch() == 1 ? null : tasks.batch());
            e.dataDirProperty().set(shown(tasks.dataDir(), local));
        }
        e.setTaskSamples(tasks == null ? null : tasks.samples());
        e.throughputProperty().set(ev.throughput() != null);
        if (ev.throughput() != null) {
            e.promptTokens().set(ev.throughput().promptTokens());
            e.genTokens().set(ev.throughput().genTokens());
            e.setStreamCounts(ev.throughput().streams());
            e.repeats().set(ev.throughput().repeats());
            e.warmup().set(ev.throughput().warmup());
        }
        CalibrationSettings cal = config.calibration();
        e.calibrationFileProperty().set(cal == null ? "" : shown(cal.file(), local));
        if (cal != null) {
            e.calibrationSamples().set(cal.samples());
            e.calibrationTokens().set(cal.tokens());
            e.calibrationSeed().setLong(cal.seed());
        }
        e.threads().set(config.threads());
        e.seed().setLong(config.seed());
        if (!refused.isEmpty()) {
            dialogs.error("Some schemes cannot run yet", String.join(", ", refused)
                    + " stay unticked: the engine cannot run them yet (see their tooltips). Saving the config keeps them.");
        }
    }

    /** A config path as the views show it: ${...} variables kept (resolved when used), relative ones made absolute. */
    private static String shown(String path, PathVariables local) {
        return path.contains("${") ? path : local.resolve(path).toString();
    }

    /**
     * An absolute path inside {@code dir}, or beside it under the same parent (a project's sample-configs/ next to its
     * resources/), as a path relative to {@code dir}; anything else unchanged.
     */
    private static String relative(String path, Path dir) {
        if (path == null || path.contains("${")) {
            return path;
        }
        Path p = Path.of(path);
        Path project = dir.getParent() != null ? dir.getParent() : dir;
        return p.isAbsolute() && p.normalize().startsWith(project) ? dir.relativize(p.normalize()).toString() : path;
    }

    /**
     * Sets up the built-in demo exactly as {@code sample-configs/demo-stories260k.json} (a copy ships in the app):
     * stories260K extracted into {@code demo}, four schemes, perplexity and KLD story by story, throughput at 1 and 4
     * streams; a run of it takes well under a minute. The config is written into the demo folder and loaded from
     * there, so the Demo button and "Open config" on the sample are the same thing.
     */
    public Optional<RunConfig> useDemo(Path demo) {
        Path file = demo.resolve(DEMO_CONFIG);
        try (InputStream in = RunSetupViewModel.class.getResourceAsStream("/org/quantbench/ui/" + DEMO_CONFIG)) {
            if (in == null) {
                throw new IOException("the demo config is missing from this build");
            }
            AtomicFileWriter.writeString(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            dialogs.error("Cannot set up the demo", "cannot write " + file + ": " + e.getMessage());
            return Optional.empty();
        }
        Optional<RunConfig> config = load(file);
        config.ifPresent(c -> model.open());
        return config;
    }

    /** Saves the setup as run-config JSON; a problem (invalid field, full disk) is shown, and false returned. */
    public boolean save(Path file) {
        try {
            RunConfigFile.write(file, toConfigFor(RunConfigFile.dirOf(file)));
            return true;
        } catch (RuntimeException e) {
            dialogs.error("Cannot save the run config", ModelViewModel.reason(e));
            return false;
        }
    }

    /** Loads a run-config file into the views; a corrupt one is shown with its reason and changes nothing. */
    public Optional<RunConfig> load(Path file) {
        try {
            RunConfig config = RunConfigFile.read(file, paths);
            apply(config, RunConfigFile.dirOf(file));
            return Optional.of(config);
        } catch (RuntimeException e) {
            dialogs.error("Cannot load the run config", ModelViewModel.reason(e));
            return Optional.empty();
        }
    }

    private static Integer orNull(OptionalInt v) {
        return v.isPresent() ? v.getAsInt() : null;
    }

    private static Long orNull(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    public StringProperty nameProperty() { return name; }

    /** The profile a run applies ({@code quick}, {@code full}, {@code ci}), or blank for none. */
    public StringProperty profileProperty() { return profile; }

    /** The profiles of the loaded config. */
    public List<String> profileNames() { return List.copyOf(profiles.keySet()); }
}
