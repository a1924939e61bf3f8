package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.workbench.demo.DemoModel;
import org.quantbench.workbench.memory.MemoryOptions;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryViewModelTest {
    private static final long GIB = MemoryOptions.GIB;

    private static MemoryViewModel.MemoryRow row(MemoryViewModel vm, String format) {
        return vm.rows().stream().filter(r -> r.format().equals(format)).findFirst().orElseThrow();
    }

    private static void pick(MemoryViewModel vm, String preset) {
        vm.sourceProperty().set(vm.sources().stream().filter(s -> s.name().equals(preset)).findFirst().orElseThrow());
    }

    @Test
    void listsEveryFormatForLlama31With8kContextByDefault() {
        MemoryViewModel vm = new MemoryViewModel();
        assertThat(vm.sourceProperty().get().name()).isEqualTo("Llama-3.1-8B");
        assertThat(vm.sources()).extracting(MemoryViewModel.Source::name)
                .contains("Llama-3.1-8B", "Llama-3.1-70B", "Llama-3.1-405B", "SmolLM2-135M");
        assertThat(vm.rows()).extracting(MemoryViewModel.MemoryRow::format).containsExactlyElementsOf(MemoryViewModel.FORMATS);

        // 16-bit: two bytes per parameter. KV cache: 2 x 32 layers x 8 KV heads x 128 x 8192 tokens x 2 bytes = 1 GiB.
        MemoryViewModel.MemoryRow bf16 = row(vm, "BF16");
        long params = vm.sourceProperty().get().config().parameterCount();
        assertThat(bf16.estimate().weightBytes()).isEqualTo(2 * params);
        assertThat(bf16.bitsPerWeight()).isEqualTo("16.000");
        assertThat(bf16.estimate().kvCacheBytes()).isEqualTo(GIB);
        assertThat(bf16.kvCache()).isEqualTo("1.00 GiB");
        // Symmetric int4 in groups of 128 with a 16-bit scale each: 4 + 16/128 bits (every in-dim is a multiple of 128).
        assertThat(row(vm, "W4A16-RTN-g128-sym").bitsPerWeight()).isEqualTo("4.125");
        assertThat(row(vm, "NF4-DQ").estimate().weightBytes()).isLessThan(row(vm, "NF4").estimate().weightBytes());
        assertThat(row(vm, "AQLM-2x8").estimate().linearBitsPerWeight()).isBetween(2.0, 2.01);
        assertThat(vm.summaryProperty().get()).contains("Llama-3.1-8B").contains("8,192");
    }

    @Test
    void countsGpusForThe70BAnd405BModels() {
        MemoryViewModel vm = new MemoryViewModel();
        pick(vm, "Llama-3.1-70B");
        MemoryViewModel.MemoryRow bf16 = row(vm, "BF16");
        assertThat(bf16.estimate().kvCacheBytes()).isEqualTo(5 * GIB / 2);
        // weights + cache over 90% of each card: ceil(total / (0.9 x 24 GiB)) and ceil(total / (0.9 x 80 GiB))
        long total = bf16.estimate().totalBytes();
        assertThat(bf16.gpus(0)).isEqualTo((int) Math.ceil(total / (0.9 * 24 * GIB))).isEqualTo(7);
        assertThat(bf16.gpus(1)).isEqualTo(2);
        assertThat(row(vm, "W4A16-AWQ-g128-asym").gpus(1)).isEqualTo(1);

        pick(vm, "Llama-3.1-405B");
        assertThat(row(vm, "FP16").gpus(1)).isEqualTo((int) Math.ceil(row(vm, "FP16").estimate().totalBytes() / (0.9 * 80 * GIB)));
        assertThat(row(vm, "FP16").gpus(1)).isGreaterThan(row(vm, "AQLM-2x8").gpus(1));
    }

    @Test
    void contextBatchAndKvBitsScaleTheCacheAndABadFieldSaysWhy() {
        MemoryViewModel vm = new MemoryViewModel();
        vm.context().textProperty().set("32768");
        vm.batch().textProperty().set("4");
        vm.kvBitsProperty().set(8);
        // 4x the context, 4 sequences, half the bits: 8 GiB
        assertThat(row(vm, "BF16").estimate().kvCacheBytes()).isEqualTo(8 * GIB);

        long before = row(vm, "BF16").estimate().weightBytes();
        vm.quantizeLmHeadProperty().set(true);
        assertThat(row(vm, "BF16").estimate().weightBytes()).isEqualTo(before);
        assertThat(row(vm, "W4A16-RTN-g128-sym").estimate().weightBytes()).isLessThan(
                new MemoryViewModel().rows().stream().filter(r -> r.format().equals("W4A16-RTN-g128-sym")).findFirst()
                        .orElseThrow().estimate().weightBytes());

        vm.batch().textProperty().set("0");
        assertThat(vm.rows()).isEmpty();
        assertThat(vm.summaryProperty().get()).contains("batch").contains("0");
        vm.batch().textProperty().set("1");
        assertThat(vm.rows()).hasSize(MemoryViewModel.FORMATS.size());
    }

    @Test
    void theOpenedModelJoinsTheListAndIsShown(@TempDir Path dir) {
        RecordingDialogs dialogs = new RecordingDialogs();
        ModelViewModel model = new ModelViewModel(new InlineBackground(), dialogs);
        MemoryViewModel vm = new MemoryViewModel(model);
        Path demo = DemoModel.folder(dir);
        model.open(demo.resolve(DemoModel.MODEL), demo.resolve(DemoModel.TOKENIZER));
        assertThat(dialogs.errors).isEmpty();

        MemoryViewModel.Source opened = vm.sourceProperty().get();
        assertThat(opened.opened()).isTrue();
        assertThat(opened.toString()).isEqualTo("Opened: stories260K.bin");
        assertThat(vm.sources().getFirst()).isSameAs(opened);
        // stories260K: 5 layers, 4 KV heads of 8, context 8192 at 16 bits: 2 x 5 x 32 x 8192 x 2 bytes
        assertThat(row(vm, "FP16").estimate().kvCacheBytes()).isEqualTo(2L * 5 * 32 * 8192 * 2);
        assertThat(row(vm, "FP16").estimate().parameters()).isEqualTo(model.summaryProperty().get().parameters());

        model.open(demo.resolve(DemoModel.MODEL), demo.resolve(DemoModel.TOKENIZER));
        assertThat(vm.sources().stream().filter(MemoryViewModel.Source::opened)).hasSize(1);
    }
}
