package org.quantbench.eval;

import org.junit.jupiter.api.Test;
import org.quantbench.engine.LlamaModel;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.quant.ModelQuantizer;
import org.quantbench.quant.QuantizedModel;
import org.quantbench.quant.SchemeNames;
import org.quantbench.quant.ggml.GgmlLinearFactory;
import org.quantbench.testing.SharedData;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MemoryReportTest {

    @Test
    void storedFp32ModelIs32BitsAndItsFileSizeOnDisk() {
        try (Checkpoint ckpt = CheckpointLoader.open(SharedData.require("models/stories260K/stories260K.bin"), null)) {
            LlamaModel model = LlamaModel.load(ckpt, new GgmlLinearFactory());
            MemoryReport r = MemoryReport.of(ckpt, model, null);
            assertThat(r.diskBytes()).isEqualTo(ckpt.fileBytes());
            assertThat(r.linearBitsPerWeight()).isEqualTo(32.0);
            assertThat(r.residentWeightBytes()).isEqualTo(model.residentWeightBytes());
            assertThat(r.describe()).contains("bits/weight").contains("peak RSS");
        }
    }

    @Test
    void quantizedLinearsShrinkDiskAndBitsByTheirPackedSize() {
        try (Checkpoint ckpt = CheckpointLoader.open(SharedData.require("models/stories260K/stories260K.bin"), null);
             QuantizedModel q = ModelQuantizer.prepare(ckpt, "test", SchemeNames.parse("W8A16-RTN"), false, null,
                     (d, t, n) -> { })) {
            LlamaModel model = LlamaModel.load(ckpt, q);
            MemoryReport r = MemoryReport.of(ckpt, model, q);
            long packed = q.linears().values().stream().mapToLong(l -> l.residentBytes()).sum();
            long stored = q.linears().keySet().stream().mapToLong(n -> ckpt.tensor(n).data().byteSize()).sum();
            assertThat(r.diskBytes()).isEqualTo(ckpt.fileBytes() - stored + packed);
            // lm_head keeps its dtype, so the figure covers the decoder linears alone, as the scheme's own does
            assertThat(r.linearBitsPerWeight()).isCloseTo(q.bitsPerWeight(), within(1e-9)).isBetween(8.0, 8.5);
        }
    }
}
