package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.quant.CacheLayouts;
import org.quantbench.quant.QuantizedModelStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Cache page on a real cache folder: what it lists, what it deletes after asking, and what it never deletes. */
class CacheViewModelTest {
    private final RecordingDialogs dialogs = new RecordingDialogs();

    private CacheViewModel open(Path cache) {
        CacheViewModel vm = new CacheViewModel(cache, new InlineBackground(), dialogs);
        vm.refresh();
        return vm;
    }

    private static CacheRow row(CacheViewModel vm, String name) {
        return vm.rows().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void listsEveryFolderWithItsStateSizeAndTheTotal(@TempDir Path cache) throws Exception {
        CacheLayouts.sample(cache);
        CacheViewModel vm = open(cache);
        assertThat(vm.rows()).extracting(CacheRow::name).containsExactly(CacheLayouts.FINISHED, CacheLayouts.STALE,
                CacheLayouts.PARTIAL);
        assertThat(row(vm, CacheLayouts.FINISHED).state()).isEqualTo("finished");
        assertThat(row(vm, CacheLayouts.FINISHED).size()).isEqualTo("2.00 KiB");
        assertThat(row(vm, CacheLayouts.FINISHED).model()).isEqualTo("0123456789abcdef");
        assertThat(row(vm, CacheLayouts.PARTIAL).state()).isEqualTo("unfinished: 3 of 30 layers saved; the same quantization continues it");
        assertThat(row(vm, CacheLayouts.STALE).state()).contains("left by a quantization that stopped");
        assertThat(vm.summaryProperty().get()).startsWith("3 entries (2 unfinished), 6.")
                .endsWith(" in " + cache);
        assertThat(vm.deletableUnfinishedProperty().get()).isTrue();
        assertThat(vm.busyProperty().get()).isFalse();
    }

    @Test
    void anEmptyOrMissingCacheIsNoError(@TempDir Path tmp) {
        CacheViewModel vm = open(tmp.resolve("never-made"));
        assertThat(vm.rows()).isEmpty();
        assertThat(vm.summaryProperty().get()).startsWith("0 entries (0 unfinished), 0 B");
        assertThat(vm.deletableUnfinishedProperty().get()).isFalse();
        assertThat(dialogs.errors).isEmpty();
    }

    @Test
    void deletesTheSelectedFoldersOnlyWhenTheUserAgrees(@TempDir Path cache) throws Exception {
        Path model = CacheLayouts.sample(cache);
        CacheViewModel vm = open(cache);
        dialogs.answer = false;
        vm.delete(List.of(row(vm, CacheLayouts.PARTIAL)));
        assertThat(dialogs.questions).singleElement().asString().contains(CacheLayouts.PARTIAL).contains("4.04 KiB")
                .contains("layers an unfinished calibration run saved are lost");
        assertThat(model.resolve(CacheLayouts.PARTIAL)).isDirectory();

        dialogs.answer = true;
        vm.delete(List.of(row(vm, CacheLayouts.FINISHED), row(vm, CacheLayouts.PARTIAL)));
        assertThat(dialogs.questions.get(1)).contains("2 folders").doesNotContain("%");
        assertThat(model.resolve(CacheLayouts.FINISHED)).doesNotExist();
        assertThat(model.resolve(CacheLayouts.PARTIAL)).doesNotExist();
        assertThat(vm.rows()).extracting(CacheRow::name).containsExactly(CacheLayouts.STALE);
        assertThat(vm.summaryProperty().get()).startsWith("1 entry (1 unfinished)");
    }

    @Test
    void neverDeletesAFolderARunningQuantizationWrites(@TempDir Path cache) throws Exception {
        Path model = CacheLayouts.sample(cache);
        QuantizedModelStore store = new QuantizedModelStore(cache);
        Path running = model.resolve("W4A16-AWQ-g128-asym+calib-x");
        try (QuantizedModelStore.EntryWriter writer = store.resumableWriter(running, line -> { })) {
            CacheViewModel vm = open(cache);
            CacheRow held = row(vm, "W4A16-AWQ-g128-asym+calib-x.partial");
            assertThat(held.state()).endsWith("running now");

            vm.deleteUnfinished();
            assertThat(dialogs.questions).singleElement().asString().contains("2 unfinished folders");
            assertThat(model.resolve(CacheLayouts.PARTIAL)).doesNotExist();
            assertThat(model.resolve(CacheLayouts.STALE)).doesNotExist();
            assertThat(vm.rows()).extracting(CacheRow::name)
                    .containsExactly(CacheLayouts.FINISHED, "W4A16-AWQ-g128-asym+calib-x.partial");
            assertThat(vm.deletableUnfinishedProperty().get()).as("only the running one is left").isFalse();

            vm.delete(List.of(row(vm, "W4A16-AWQ-g128-asym+calib-x.partial")));
            assertThat(dialogs.errors).singleElement().asString().startsWith("Not deleted")
                    .contains("being written by a running quantization");
            assertThat(running.resolveSibling("W4A16-AWQ-g128-asym+calib-x.partial")).isDirectory();
        }
    }
}
