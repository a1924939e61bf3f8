package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelViewModelTest {
    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final ModelViewModel vm = new ModelViewModel(new InlineBackground(), dialogs);

    @Test
    void opensStories260KAndShowsItsFacts() {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        vm.open(model, null);

        assertThat(dialogs.errors).isEmpty();
        ModelSummary s = vm.summaryProperty().get();
        assertThat(s.format()).isEqualTo("llama2c");
        assertThat(s.config().dim()).isEqualTo(64);
        assertThat(s.config().nLayers()).isEqualTo(5);
        assertThat(s.parameters()).isEqualTo(s.config().parameterCount());
        assertThat(s.fileBytes()).isEqualTo(model.toFile().length());
        assertThat(s.hasTokenizer()).isTrue();
        assertThat(vm.facts()).extracting(ModelSummary.Fact::label)
                .contains("Architecture", "Parameters", "Stored types", "Size on disk");
        assertThat(vm.facts()).filteredOn(f -> f.label().equals("Stored types")).singleElement()
                .extracting(ModelSummary.Fact::value).asString().startsWith("F32 100.0%");
        assertThat(vm.labelProperty().get()).isEqualTo("base = stories260K.bin as stored");
        assertThat(vm.busyProperty().get()).isFalse();
    }

    @Test
    void anUnreadableModelGivesADialogWithTheReasonAndKeepsThePreviousFacts(@TempDir Path dir) throws IOException {
        Path junk = Files.write(dir.resolve("junk.bin"), new byte[] {1, 2, 3});
        vm.open(junk, null);

        assertThat(dialogs.errors).singleElement().asString().startsWith("Cannot open model: ").contains("junk.bin");
        assertThat(vm.summaryProperty().get()).isNull();
        assertThat(vm.busyProperty().get()).isFalse();
        assertThat(vm.statusProperty().get()).contains("Could not open");
    }

    @Test
    void aMissingPathIsReportedNotThrown(@TempDir Path dir) {
        vm.open(dir.resolve("nowhere.gguf"), null);
        assertThat(dialogs.errors).singleElement().asString().contains("nowhere.gguf").contains("does not exist");
    }

    @Test
    void anEmptyPathAsksForAModel() {
        vm.open();
        assertThat(dialogs.errors).singleElement().asString().startsWith("No model");
    }

    @Test
    void aLabelTheUserTypedIsKept() {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        vm.modelPathProperty().set(model.toString());
        vm.labelProperty().set("base = my label");
        vm.open();
        assertThat(vm.labelProperty().get()).isEqualTo("base = my label");
    }
}
