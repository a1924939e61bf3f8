package org.quantbench.ui.viewmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.RunConfig;
import org.quantbench.workbench.config.RunConfigFile;
import org.quantbench.workbench.demo.DemoModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RunSetupViewModelTest {
    @TempDir
    Path dir;

    private final RecordingDialogs dialogs = new RecordingDialogs();

    private record Views(ModelViewModel model, SchemesViewModel schemes, EvaluationsViewModel evals, RunSetupViewModel setup) {}

    private Views views() {
        return views(new PathVariables(dir, SharedData.root(), () -> dir));
    }

    private Views views(PathVariables paths) {
        ModelViewModel model = new ModelViewModel(new InlineBackground(), dialogs, paths);
        SchemesViewModel schemes = new SchemesViewModel(dialogs);
        EvaluationsViewModel evals = new EvaluationsViewModel();
        return new Views(model, schemes, evals, new RunSetupViewModel(model, schemes, evals, dialogs, paths));
    }

    static Stream<Path> sampleConfigs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("sample-configs"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    /**
     * Each sample config, loaded into the views and saved again, reads back equal, field by field. The files its
     * paths name are made in a temporary folder (${QUANTBENCH_SHARED} and ${DEMO} point there), so it needs no
     * ../shared.
     */
    @ParameterizedTest
    @MethodSource("sampleConfigs")
    void everySampleConfigIsSavedBackUnchanged(Path sample) throws IOException {
        Path shared = dir.resolve("shared");
        Path demo = dir.resolve("demo");
        PathVariables paths = new PathVariables(dir, shared, () -> demo);
        // a folder like the repo's, so a path relative to the config (the calibration text) stays inside dir
        Path configs = Files.createDirectories(dir.resolve("sample-configs"));
        Path file = Files.copy(sample, configs.resolve(sample.getFileName()));
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode model = root.get("model");
        List<String> named = new java.util.ArrayList<>();
        for (String field : List.of("path", "tokenizer")) {
            if (model.has(field)) {
                named.add(model.get(field).asText());
            }
        }
        if (root.has("calibration")) {
            named.add(root.get("calibration").get("file").asText());
        }
        for (String path : named) {
            Path p = paths.withBaseDir(configs).resolve(path);
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[1]);
        }
        Views v = views(paths);
        RunConfig loaded = v.setup.load(file).orElseThrow(() -> new AssertionError(dialogs.errors));
        assertThat(dialogs.errors).allMatch(e -> e.startsWith("Some schemes cannot run yet"));

        Path saved = configs.resolve("saved.json");
        assertThat(v.setup.save(saved)).as("%s", dialogs.errors).isTrue();
        RunConfig reread = RunConfigFile.read(saved, paths);
        assertThat(reread).isEqualTo(loaded);
        assertThat(Files.readString(saved)).contains(model.get("path").asText().replace("\\", ""));
    }

    @Test
    void theDemoButtonSetsUpExactlyTheDemoSampleConfig() throws IOException {
        Path demo = DemoModel.folder(dir.resolve("demo"));
        PathVariables paths = new PathVariables(dir, SharedData.root(), () -> demo);
        Views v = views(paths);
        RunConfig sample = RunConfigFile.read(Path.of("sample-configs", "demo-stories260k.json"), paths);

        assertThat(v.setup.useDemo(demo)).contains(sample);
        assertThat(dialogs.errors).isEmpty();
        assertThat(v.setup.toConfigFor(demo)).isEqualTo(sample);
        assertThat(v.setup.toConfig().evaluations().perplexity().split()).isEqualTo("<|endoftext|>");
        assertThat(v.model.modelPathProperty().get()).isEqualTo("${DEMO}/stories260K.bin");
        assertThat(v.model.summaryProperty().get()).isNotNull();
        assertThat(v.model.facts().getFirst().value()).isEqualTo("${DEMO}/stories260K.bin");
        assertThat(v.setup.profileNames()).containsExactlyInAnyOrder("quick", "full", "ci");
    }

    @Test
    void theShippedDemoConfigIsTheSampleConfig() throws IOException {
        try (var in = RunSetupViewModel.class.getResourceAsStream("/org/quantbench/ui/" + RunSetupViewModel.DEMO_CONFIG)) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(Path.of("sample-configs", "demo-stories260k.json")));
        }
    }

    @Test
    void kldWithItsOwnSettingsLmHeadAndTaskSamplesAreKept() throws IOException {
        Files.write(dir.resolve("model.bin"), new byte[16]);
        Path file = Files.writeString(dir.resolve("kld.json"), """
                {"name": "k", "model": {"path": "model.bin"}, "quantizeLmHead": true, "schemes": ["Q8_0"],
                 "evaluations": {"perplexity": {"text": "a.txt", "maxBytes": 5000000000},
                                 "kld": {"maxWindows": 3}, "tasks": {"names": ["piqa"], "numFewshot": 5, "batch": 4,
                                                                     "samples": {"piqa": 40}}}}
                """);
        Views v = views();
        RunConfig loaded = v.setup.load(file).orElseThrow();
        assertThat(v.evals.kldNoteProperty().get()).contains("maxWindows 3");
        assertThat(v.schemes.quantizeLmHeadProperty().get()).isTrue();
        assertThat(v.setup.save(dir.resolve("again.json"))).isTrue();
        assertThat(RunConfigFile.read(dir.resolve("again.json"), new PathVariables(dir, dir, () -> dir))).isEqualTo(loaded);

        // KLD alone on its own text: the view's text settings are the KLD ones.
        v.evals.perplexityProperty().set(false);
        v.evals.kldOverridesProperty().set(null);
        RunConfig kldOnly = v.setup.toConfig();
        assertThat(kldOnly.evaluations().kld().text()).isEqualTo(dir.resolve("a.txt").toString());
        assertThat(kldOnly.evaluations().kld().maxBytes()).isEqualTo(5_000_000_000L);
    }

    private Views filled() throws IOException {
        Views v = views();
        Path model = Files.write(dir.resolve("model.bin"), new byte[16]);
        v.model.modelPathProperty().set(model.toString());
        v.model.labelProperty().set("base = F32");
        v.schemes.selectOnly(List.of("Q8_0", "W4A16-RTN-g64-asym"));
        v.evals.textFileProperty().set(dir.resolve("wiki.txt").toString());
        v.evals.ctx().textProperty().set("256");
        v.evals.stride().textProperty().set("128");
        v.evals.maxWindows().textProperty().set("4");
        v.evals.selectTasks(List.of("arc_easy", "piqa"));
        v.evals.taskLimit().textProperty().set("50");
        v.evals.streamsProperty().set("1, 2");
        v.evals.threads().textProperty().set("2");
        v.setup.nameProperty().set("ui round trip");
        return v;
    }

    @Test
    void theViewsBecomeOneRunConfig() throws IOException {
        RunConfig c = filled().setup.toConfig();
        assertThat(c.name()).isEqualTo("ui round trip");
        assertThat(c.model().label()).isEqualTo("base = F32");
        assertThat(c.schemes()).containsExactly("Q8_0", "W4A16-RTN-g64-asym");
        assertThat(c.evaluations().perplexity().ctx()).isEqualTo(256);
        assertThat(c.evaluations().perplexity().stride()).isEqualTo(128);
        assertThat(c.evaluations().perplexity().maxWindows()).isEqualTo(4);
        assertThat(c.evaluations().kld().over(c.evaluations().perplexity())).isEqualTo(c.evaluations().perplexity());
        assertThat(c.evaluations().tasks().names()).containsExactly("arc_easy", "piqa");
        assertThat(c.evaluations().tasks().limit()).isEqualTo(50);
        assertThat(c.evaluations().throughput().streams()).containsExactly(1, 2);
        assertThat(c.threads()).isEqualTo(2);
        assertThat(c.calibration()).isNull();
    }

    @Test
    void savedAndLoadedIntoFreshViewsGivesTheSameConfig() throws IOException {
        RunConfig original = filled().setup.toConfig();
        Path file = dir.resolve("run.json");
        assertThat(filled().setup.save(file)).isTrue();

        Views fresh = views();
        assertThat(fresh.setup.load(file)).isPresent();
        assertThat(dialogs.errors).isEmpty();
        assertThat(fresh.schemes.selectedNames()).containsExactly("Q8_0", "W4A16-RTN-g64-asym");
        assertThat(fresh.evals.selectedTasks()).containsExactly("arc_easy", "piqa");
        RunConfig reloaded = fresh.setup.toConfig();
        assertThat(reloaded.evaluations().perplexity()).isEqualTo(original.evaluations().perplexity());
        assertThat(reloaded.evaluations().throughput()).isEqualTo(original.evaluations().throughput());
        assertThat(reloaded.model()).isEqualTo(original.model());
        assertThat(reloaded.schemes()).isEqualTo(original.schemes());
    }

    @Test
    void aCorruptConfigGivesADialogAndChangesNothing() throws IOException {
        Views v = filled();
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"name\": \"x\", \"model\": {\"path\": \"model.bin\"}, \"schemes\": [\"W5A16-FOO\"]}");
        assertThat(v.setup.load(bad)).isEmpty();
        assertThat(dialogs.errors).singleElement().asString().startsWith("Cannot load the run config: ")
                .contains("bad.json").contains("schemes[0]").contains("W5A16-FOO");
        assertThat(v.schemes.selectedNames()).containsExactly("Q8_0", "W4A16-RTN-g64-asym");

        Files.writeString(bad, "{ not json");
        assertThat(v.setup.load(bad)).isEmpty();
        assertThat(dialogs.errors).hasSize(2);
        assertThat(dialogs.errors.get(1)).contains("bad.json").contains("JSON");
    }

    @Test
    void savingWithoutAModelOrWithABadFieldSaysWhy() throws IOException {
        Views v = views();
        assertThat(v.setup.save(dir.resolve("a.json"))).isFalse();
        assertThat(dialogs.errors.get(0)).contains("choose a model");
        v = filled();
        v.evals.ctx().textProperty().set("x");
        assertThat(v.setup.save(dir.resolve("b.json"))).isFalse();
        assertThat(dialogs.errors.get(1)).contains("context: 'x' is not a whole number");
        assertThat(dir.resolve("a.json")).doesNotExist();
        assertThat(dir.resolve("b.json")).doesNotExist();
    }

    @Test
    void saveToAnUnwritablePlaceIsReported() throws IOException {
        Views v = filled();
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        assertThat(v.setup.save(blocker.resolve("run.json"))).isFalse();
        assertThat(dialogs.errors).singleElement().asString().startsWith("Cannot save the run config");
    }
}
