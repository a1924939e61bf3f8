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
            // layers at about 8 bits, the tied FP32 classifier (512 x 64) at 32: the weighted mean lies between
            long layerWeights = q.linears().values().stream().mapToLong(l -> (long) l.inFeatures() * l.outFeatures()).sum();
            long head = (long) model.output().inFeatures() * model.output().outFeatures();
            double expected = (q.bitsPerWeight() * layerWeights + 32.0 * head) / (layerWeights + head);
            assertThat(r.linearBitsPerWeight()).isCloseTo(expected, within(1e-9));
        }
    }
}
