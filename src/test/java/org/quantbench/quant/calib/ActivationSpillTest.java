package org.quantbench.quant.calib;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.gptq.GptqConfig;
import org.quantbench.quant.gptq.GptqLayerQuantizer;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.quant.intq.SymmetricConvention;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spill path (activations in memory-mapped temporary files, as for an 8B model's wide FFN activations) gives
 * bit-for-bit the model of the heap path, says that it spilled, and leaves no file behind; and the model does not
 * depend on the thread count (two threads compute a stage's samples side by side, one computes them in turn).
 */
class ActivationSpillTest {
    @TempDir
    Path tmp;

    @Test
    void gptqWithSpilledActivationsEqualsTheHeapRunAndCleansUp() throws IOException {
        Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin"));
        Tokenizer tok = ckpt.tokenizer().orElseThrow();
        // Calibration text that is not the TinyStories evaluation split: a few made-up sentences, repeated.
        Path text = tmp.resolve("calibration.txt");
        Files.writeString(text, "Tom had a red ball. He liked to play in the park with his friend Sue.\n".repeat(40));
        CalibrationData data = CalibrationData.load(text, tok, 4, 64, 3, w -> { });
        GptqLayerQuantizer gptq = new GptqLayerQuantizer(IntQuantizer.symmetric(4, SymmetricConvention.LLM_COMPRESSOR), 32, GptqConfig.DEFAULT);
        Path spillDir = tmp.resolve("spill");
        List<String> messages = new ArrayList<>();
        try (ComputePool pool = new ComputePool(2)) {
            CalibrationPipeline.Result heap = CalibrationPipeline.run(ckpt, data, gptq,
                    new CalibrationPipeline.Options(CalibrationPipeline.InputSource.QUANTIZED, Long.MAX_VALUE, spillDir),
                    pool, (l, n, loss, s) -> { });
            CalibrationPipeline.Result spilled = CalibrationPipeline.run(ckpt, data, gptq,
                    new CalibrationPipeline.Options(CalibrationPipeline.InputSource.QUANTIZED, 0, spillDir),
                    pool, new CalibrationPipeline.Progress() {
                        @Override
                        public void layerDone(int layer, int layers, double loss, double seconds) { }

                        @Override
                        public void message(String line) { messages.add(line); }
                    });
            assertThat(heap.spilled()).isFalse();
            assertThat(spilled.spilled()).isTrue();
            assertThat(messages).anyMatch(m -> m.contains("spilling to " + spillDir));
            assertThat(spilled.layerLosses()).containsExactly(heap.layerLosses());
            assertThat(spilled.linears().keySet()).containsExactlyElementsOf(heap.linears().keySet());
            for (String name : heap.linears().keySet()) {
                assertThat(rows(spilled.linears().get(name))).as(name).isEqualTo(rows(heap.linears().get(name)));
            }
            try (ComputePool one = new ComputePool(1)) {
                CalibrationPipeline.Result serial = CalibrationPipeline.run(ckpt, data, gptq,
                        new CalibrationPipeline.Options(CalibrationPipeline.InputSource.QUANTIZED, Long.MAX_VALUE, spillDir),
                        one, (l, n, loss, s) -> { });
                assertThat(serial.layerLosses()).containsExactly(heap.layerLosses());
                for (String name : heap.linears().keySet()) {
                    assertThat(rows(serial.linears().get(name))).as(name).isEqualTo(rows(heap.linears().get(name)));
                }
            }
        }
        try (Stream<Path> left = Files.list(spillDir)) {
            assertThat(left).as("spill files deleted once used").isEmpty();
        }
    }

    private static float[][] rows(QuantizedLinear linear) {
        float[][] rows = new float[linear.outFeatures()][linear.inFeatures()];
        for (int r = 0; r < rows.length; r++) {
            linear.dequantizeRow(r, rows[r], 0);
        }
        return rows;
    }
}
