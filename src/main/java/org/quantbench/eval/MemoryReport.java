package org.quantbench.eval;

import org.quantbench.engine.Linear;
import org.quantbench.engine.LlamaModel;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.TensorNames;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.QuantizedModel;
import org.quantbench.tensor.WeightTensor;
import org.quantbench.tensor.probe.ProcessMemory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The memory side of an evaluation: bytes on disk of the model as it would be stored (the checkpoint with each
 * quantized linear replaced by its packed form), bytes of weights held in memory, effective bits per weight over the
 * decoder linears and a quantized lm_head (scales, zeros and codebooks included), and the process's peak RSS when the report is taken.
 */
public record MemoryReport(long diskBytes, long residentWeightBytes, double linearBitsPerWeight, OptionalLong peakRssBytes) {

    /** Measures {@code model} as loaded from {@code checkpoint}, quantized by {@code quantized} (null: as stored). */
    public static MemoryReport of(Checkpoint checkpoint, LlamaModel model, QuantizedModel quantized) {
        long disk = checkpoint.fileBytes();
        if (quantized != null) {
            for (var e : quantized.linears().entrySet()) {
                disk += e.getValue().residentBytes() - storedBytes(checkpoint, e.getKey());
            }
        }
        double bits = 0;
        long weights = 0;
        for (Linear l : linears(model, quantized != null && quantized.linears().containsKey(TensorNames.OUTPUT))) {
            long n = (long) l.inFeatures() * l.outFeatures();
            bits += l instanceof QuantizedLinear q ? q.bitsPerWeight() * n : 8.0 * l.residentBytes();
            weights += n;
        }
        return new MemoryReport(disk, model.residentWeightBytes(), weights == 0 ? 0 : bits / weights,
                ProcessMemory.peakRssBytes());
    }

    /** One line for reports, e.g. {@code disk 98.4 MB, resident weights 96.6 MB, 4.98 bits/weight (linears), peak RSS 412.0 MB}. */
    public String describe() {
        return String.format(Locale.ROOT, "disk %s, resident weights %s, %.3f bits/weight (linears), peak RSS %s",
                megabytes(diskBytes), megabytes(residentWeightBytes), linearBitsPerWeight,
                peakRssBytes.isPresent() ? megabytes(peakRssBytes.getAsLong()) : "n/a (no /proc/self/status)");
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** Bytes the checkpoint stores for a linear; lm_head tied to the embedding is stored once, under the embedding. */
    private static long storedBytes(Checkpoint checkpoint, String name) {
        if (!checkpoint.hasTensor(name)) {
            return 0;
        }
        WeightTensor t = checkpoint.tensor(name);
        return t.data().byteSize();
    }

    /** The decoder linears, and lm_head where the scheme quantized it: what "bits per weight" of a scheme covers. */
    private static List<Linear> linears(LlamaModel model, boolean withLmHead) {
        ModelConfig c = model.config();
        List<Linear> all = new ArrayList<>();
        for (int i = 0; i < c.nLayers(); i++) {
            LlamaModel.Layer l = model.layer(i);
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down()));
        }
        if (withLmHead) {
            all.add(model.output());
        }
        return all;
    }
}
