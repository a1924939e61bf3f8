package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.RunConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunSetupViewModelTest {
    @TempDir
    Path dir;

    private final RecordingDialogs dialogs = new RecordingDialogs();

    private record Views(ModelViewModel model, SchemesViewModel schemes, EvaluationsViewModel evals, RunSetupViewModel setup) {}

    private Views views() {
        ModelViewModel model = new ModelViewModel(new InlineBackground(), dialogs);
        SchemesViewModel schemes = new SchemesViewModel(dialogs);
        EvaluationsViewModel evals = new EvaluationsViewModel();
        PathVariables paths = new PathVariables(dir, SharedData.root(), () -> dir);
        return new Views(model, schemes, evals, new RunSetupViewModel(model, schemes, evals, dialogs, paths));
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
        v.evals.streams().textProperty().set("2");
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
