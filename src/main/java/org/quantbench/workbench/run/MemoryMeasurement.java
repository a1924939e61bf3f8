package org.quantbench.workbench.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.model.Checkpoint;
import org.quantbench.quant.ModelQuantizer;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.QuantizedModel;
import org.quantbench.tensor.WeightTensor;
import org.quantbench.workbench.measure.LoadedModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads (base) or quantizes (scheme) the model and measures its size: bits per weight over the linears (scales and
 * zeros included), resident weight bytes, disk bytes, and the quantize time (from the cache entry's record when the
 * model was quantized in an earlier run).
 */
final class MemoryMeasurement implements Measurement {
    static final String DEFINITION = "bits/weight over the decoder linears (scales and zeros included; the base: as "
            + "stored); resident = weight bytes held in memory; disk = the model files (base) or the packed linears plus "
            + "every other tensor as stored (scheme); quantize time = wall time of quantization, kept from the run that "
            + "quantized it when the model comes from the cache";

    @Override
    public Prepared prepare(RunContext run, PlannedStep step) {
        String lmHead = step.parsed() == null ? "" : run.config.quantizeLmHead() ? "; lm_head quantized" : "; lm_head as stored";
        return new Prepared(DEFINITION + lmHead, List.of(), (model, progress) -> measure(run, model, progress));
    }

    private static Measured measure(RunContext run, SchemeModel model, StepProgress progress) {
        LoadedModel loaded = model.get(progress);
        Checkpoint ckpt = run.checkpoint;
        List<Value> values = new ArrayList<>();
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        QuantizedModel q = loaded.quantized();
        if (q == null) {
            values.add(value("bits_per_weight", storedBitsPerWeight(ckpt)));
            values.add(value("disk_bytes", ckpt.fileBytes()));
        } else {
            values.add(value("bits_per_weight", q.bitsPerWeight()));
            values.add(value("disk_bytes", quantizedDiskBytes(ckpt, q)));
            double seconds = q.fromCache() ? cachedQuantizeSeconds(q.cacheEntry()) : q.quantizeSeconds();
            if (!Double.isNaN(seconds)) {
                values.add(value("quantize_seconds", seconds));
            }
            detail.put("from_cache", q.fromCache());
            if (q.cacheEntry() != null) {
                detail.put("cache_entry", q.cacheEntry().toString());
            }
        }
        values.add(value("resident_bytes", loaded.model().residentWeightBytes()));
        return new Measured(values, 1, detail, q == null ? "weights as stored" : q.fromCache()
                ? "quantized weights read from the cache" : "quantized in this run");
    }

    private static Value value(String metric, double v) {
        return new Value(metric, v, null, null);
    }

    static double storedBitsPerWeight(Checkpoint ckpt) {
        double bits = 0;
        long n = 0;
        for (String name : ModelQuantizer.linearNames(ckpt.config(), false)) {
            WeightTensor t = ckpt.tensor(name);
            long count = (long) t.rows() * t.cols();
            bits += t.dtype().bitsPerWeight() * count;
            n += count;
        }
        return n == 0 ? 0 : bits / n;
    }

    /** Packed linears plus every tensor the scheme keeps as stored (embeddings, norms, lm_head unless quantized). */
    static long quantizedDiskBytes(Checkpoint ckpt, QuantizedModel q) {
        long bytes = 0;
        for (QuantizedLinear l : q.linears().values()) {
            bytes += l.residentBytes();
        }
        for (WeightTensor t : ckpt.tensors()) {
            if (!q.linears().containsKey(t.name())) {
                bytes += t.data().byteSize();
            }
        }
        return bytes;
    }

    /** The quantize time the cache entry recorded, or NaN when it holds none. */
    static double cachedQuantizeSeconds(Path entry) {
        if (entry == null) {
            return Double.NaN;
        }
        try {
            JsonNode seconds = new ObjectMapper().readTree(Files.readString(entry.resolve("entry.json")))
                    .path("provenance").path("quantize_seconds");
            return seconds.isNumber() ? seconds.asDouble() : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
