package org.quantbench.ui.viewmodel;

import com.fasterxml.jackson.databind.JsonNode;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
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
import org.quantbench.workbench.demo.DemoModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

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
     * The config the views describe.
     *
     * @throws IllegalArgumentException naming the first problem (no model, an invalid field)
     */
    public RunConfig toConfig() {
        String path = model.modelPathProperty().get().strip();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("model: choose a model on the Model page");
        }
        evaluations.firstProblem().ifPresent(p -> {
            throw new IllegalArgumentException("evaluations: " + p);
        });
        EvaluationsViewModel e = evaluations;
        PerplexitySettings ppl = e.perplexityProperty().get() ? textSettings() : null;
        KldSettings kld = !e.kldProperty().get() ? null : ppl != null ? new KldSettings(null, null, null, null, null, null, null, null)
                : kldOwnText();
        TaskSettings tasks = e.selectedTasks().isEmpty() ? null : new TaskSettings(e.selectedTasks(),
                orNull(e.taskLimit().value()), e.seededSampleProperty().get() ? (long) e.seed().value().getAsInt() : null,
                null, blankToNull(e.dataDirProperty().get()), null);
        ThroughputSettings tp = !e.throughputProperty().get() ? null : new ThroughputSettings(e.promptTokens().value().getAsInt(),
                e.genTokens().value().getAsInt(), e.streams().value().getAsInt() == 1 ? List.of(1)
                : List.of(1, e.streams().value().getAsInt()), e.repeats().value().getAsInt(), null);
        String cal = e.calibrationFileProperty().get().strip();
        CalibrationSettings calibration = cal.isEmpty() ? null : new CalibrationSettings(cal,
                e.calibrationSamples().value().getAsInt(), e.calibrationTokens().value().getAsInt(), (long) e.seed().value().getAsInt());
        String tok = model.tokenizerPathProperty().get().strip();
        return new RunConfig(name.get(), new ModelSource(path, tok.isEmpty() ? null : tok, model.labelProperty().get()),
                schemes.selectedNames(), false, calibration, new Evaluations(ppl, kld, tasks, tp),
                orNull(e.threads().value()), (long) e.seed().value().getAsInt(), output, profiles);
    }

    private PerplexitySettings textSettings() {
        EvaluationsViewModel e = evaluations;
        return new PerplexitySettings(e.textFileProperty().get().strip(), e.ctx().value().getAsInt(), e.stride().value().getAsInt(),
                e.bosProperty().get(), orNull(e.maxTokens().value()), orNull(e.maxWindows().value()), null, null);
    }

    private KldSettings kldOwnText() {
        PerplexitySettings p = textSettings();
        return new KldSettings(p.text(), p.ctx(), p.stride(), p.bos(), p.maxTokens(), p.maxWindows(), null, null);
    }

    /** Fills the views from {@code config}; paths are resolved against {@code baseDir} so the views show real files. */
    public void apply(RunConfig config, Path baseDir) {
        PathVariables local = paths.withBaseDir(baseDir);
        name.set(config.name());
        profiles = config.profiles();
        output = config.output();
        model.modelPathProperty().set(local.resolve(config.model().path()).toString());
        model.tokenizerPathProperty().set(config.model().tokenizer() == null ? "" : local.resolve(config.model().tokenizer()).toString());
        model.labelProperty().set(config.model().label());
        List<String> refused = schemes.selectOnly(config.schemes());

        EvaluationsViewModel e = evaluations;
        Evaluations ev = config.evaluations();
        e.perplexityProperty().set(ev.perplexity() != null);
        e.kldProperty().set(ev.kld() != null);
        PerplexitySettings text = ev.perplexity() != null ? ev.perplexity() : ev.kld() != null ? ev.kld().over(null) : null;
        if (text != null) {
            e.textFileProperty().set(local.resolve(text.text()).toString());
            e.ctx().set(text.ctx());
            e.stride().set(text.stride() == null ? text.ctx() : text.stride());
            e.bosProperty().set(Boolean.TRUE.equals(text.bos()));
            e.maxTokens().set(text.maxTokens() == 0 ? null : text.maxTokens());
            e.maxWindows().set(text.maxWindows() == 0 ? null : text.maxWindows());
        }
        TaskSettings tasks = ev.tasks();
        e.selectTasks(tasks == null ? List.of() : tasks.names());
        if (tasks != null) {
            e.taskLimit().set(tasks.limit() == 0 ? null : tasks.limit());
            e.seededSampleProperty().set(tasks.sampleSeed() != null);
            e.dataDirProperty().set(local.resolve(tasks.dataDir()).toString());
        }
        e.throughputProperty().set(ev.throughput() != null);
        if (ev.throughput() != null) {
            e.promptTokens().set(ev.throughput().promptTokens());
            e.genTokens().set(ev.throughput().genTokens());
            e.streams().set(ev.throughput().streams().stream().mapToInt(Integer::intValue).max().orElse(1));
            e.repeats().set(ev.throughput().repeats());
        }
        CalibrationSettings cal = config.calibration();
        e.calibrationFileProperty().set(cal == null ? "" : local.resolve(cal.file()).toString());
        if (cal != null) {
            e.calibrationSamples().set(cal.samples());
            e.calibrationTokens().set(cal.tokens());
        }
        e.threads().set(config.threads());
        e.seed().set((int) (long) config.seed());
        if (!refused.isEmpty()) {
            dialogs.error("Some schemes cannot run yet", String.join(", ", refused)
                    + " stay unticked: the engine cannot run them yet (see their tooltips).");
        }
    }

    /**
     * Sets up the built-in demo: stories260K (extracted into {@code demo}), four schemes, perplexity and KLD on the
     * demo text, a short throughput test; a run of it takes well under a minute.
     */
    public void useDemo(Path demo) {
        model.open(demo.resolve(DemoModel.MODEL), demo.resolve(DemoModel.TOKENIZER));
        model.labelProperty().set("base = stories260K as stored (F32)");
        name.set("demo-stories260k");
        profiles = Map.of();
        output = null;
        schemes.selectOnly(List.of("W8A8-INT", "FP8-dynamic", "W4A16-RTN-g128-asym", "NF4-DQ"));
        EvaluationsViewModel e = evaluations;
        e.perplexityProperty().set(true);
        e.kldProperty().set(true);
        e.textFileProperty().set(demo.resolve(DemoModel.TEXT).toString());
        e.ctx().set(256);
        e.stride().set(256);
        e.bosProperty().set(true);
        e.maxTokens().set(null);
        e.maxWindows().set(null);
        e.selectTasks(List.of());
        e.throughputProperty().set(true);
        e.promptTokens().set(64);
        e.genTokens().set(16);
        e.streams().set(4);
        e.repeats().set(1);
    }

    /** Saves the setup as run-config JSON; a problem (invalid field, full disk) is shown, and false returned. */
    public boolean save(Path file) {
        try {
            RunConfigFile.write(file, toConfig());
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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    public StringProperty nameProperty() { return name; }

    /** The profile a run applies ({@code quick}, {@code full}, {@code ci}), or blank for none. */
    public StringProperty profileProperty() { return profile; }

    /** The profiles of the loaded config. */
    public List<String> profileNames() { return List.copyOf(profiles.keySet()); }
}
