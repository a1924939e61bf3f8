package org.quantbench.workbench.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.eval.MemoryReport;
import org.quantbench.model.Checkpoint;
import org.quantbench.quant.QuantizedModel;
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
            + "every other tensor as stored, file headers included (scheme); quantize time = wall time of quantization, kept from the run that "
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
        MemoryReport report = MemoryReport.of(ckpt, loaded.model(), q);
        values.add(value("bits_per_weight", report.linearBitsPerWeight()));
        values.add(value("disk_bytes", report.diskBytes()));
        if (q != null) {
            double seconds = q.fromCache() ? cachedQuantizeSeconds(q.cacheEntry()) : q.quantizeSeconds();
            if (!Double.isNaN(seconds)) {
                values.add(value("quantize_seconds", seconds));
            }
            detail.put("from_cache", q.fromCache());
            if (q.cacheEntry() != null) {
                detail.put("cache_entry", q.cacheEntry().toString());
            }
        }
        values.add(value("resident_bytes", report.residentWeightBytes()));
        return new Measured(values, 1, detail, q == null ? "weights as stored" : q.fromCache()
                ? "quantized weights read from the cache" : "quantized in this run");
    }

    private static Value value(String metric, double v) {
        return new Value(metric, v, null, null);
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
