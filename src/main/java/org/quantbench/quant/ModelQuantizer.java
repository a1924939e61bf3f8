package org.quantbench.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.TensorNames;
import org.quantbench.quant.calib.CalibrationData;
import org.quantbench.quant.calib.CalibrationPipeline;
import org.quantbench.quant.calib.LinearRole;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * Produces the {@link QuantizedModel} of a checkpoint under a scheme: from the cache when an entry exists, else by
 * quantizing one linear at a time straight from the mapped weights (peak memory: one widened row plus the packed
 * results), or for a calibration scheme through the {@link CalibrationPipeline} on a calibration batch, and storing
 * the entry (only once everything succeeded). Embeddings and norms keep their dtype (norms unless the calibration
 * method replaced them); lm_head too unless asked.
 */
public final class ModelQuantizer {
    private ModelQuantizer() {}

    /** Progress of a quantization: linears done out of total, and the name of the one just finished. */
    @FunctionalInterface
    public interface Progress {
        void linearDone(int done, int total, String name);

        /** A line of detail: a calibration layer's loss and time, a linear's loss. */
        default void message(String line) {}
    }

    /** The canonical names of the linears a scheme quantizes, in layer order. */
    public static List<String> linearNames(ModelConfig c, boolean lmHead) {
        List<String> names = new ArrayList<>();
        List<IntFunction<String>> perLayer = List.of(TensorNames::attnQ, TensorNames::attnK, TensorNames::attnV,
                TensorNames::attnOutput, TensorNames::ffnGate, TensorNames::ffnUp, TensorNames::ffnDown);
        for (int l = 0; l < c.nLayers(); l++) {
            for (IntFunction<String> n : perLayer) {
                names.add(n.apply(l));
            }
        }
        if (lmHead) {
            names.add(TensorNames.OUTPUT);
        }
        return names;
    }

    /**
     * @param store     the cache, or null to quantize without caching
     * @param modelHash the checkpoint's SHA-256 (cache key and provenance)
     */
    public static QuantizedModel prepare(Checkpoint checkpoint, String modelHash, Scheme scheme, boolean lmHead,
                                         QuantizedModelStore store, Progress progress) {
        return prepare(checkpoint, modelHash, scheme, lmHead, null, ComputePool.shared(), store, progress);
    }

    /**
     * @param calibration the calibration batch, required by schemes that {@link Scheme#needsCalibration()} (and part
     *                    of their cache key), ignored by the others
     * @param pool        threads for the calibration pipeline
     */
    public static QuantizedModel prepare(Checkpoint checkpoint, String modelHash, Scheme scheme, boolean lmHead,
                                         CalibrationData calibration, ComputePool pool, QuantizedModelStore store,
                                         Progress progress) {
        scheme.unavailableReason().ifPresent(reason -> {
            throw new IllegalArgumentException(scheme.name() + ": " + reason);
        });
        if (scheme.needsCalibration() && calibration == null) {
            throw new IllegalArgumentException(scheme.name() + " needs calibration data: --calibration FILE on the command"
                    + " line, \"calibration\" in a run config (text or JSONL, never an evaluation split)");
        }
        if (scheme.needsCalibration() && lmHead) {
            throw new IllegalArgumentException(scheme.name() + ": calibration methods quantize the decoder layers;"
                    + " lm_head stays as stored (drop --quantize-lm-head)");
        }
        SchemeCodec codec = SchemeCodecs.of(scheme);
        List<String> names = linearNames(checkpoint.config(), lmHead);
        String tag = scheme.needsCalibration() ? calibration.cacheTag() : null;
        Path folder = store == null ? null : store.entry(modelHash, scheme, lmHead, tag);
        if (store != null) {
            Optional<QuantizedModel> cached = fromEntry(store, folder, scheme, codec, names, true, 0);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        if (scheme.needsCalibration()) {
            return calibrate(checkpoint, modelHash, scheme, codec, calibration, pool, store, folder, progress, names);
        }
        if (store == null) {
            Map<String, QuantizedLinear> linears = new LinkedHashMap<>();
            double seconds = quantizeEach(checkpoint, codec, names, linears::put, progress);
            return new QuantizedModel(scheme, linears, Map.of(), null, null, false, seconds);
        }
        double seconds;
        try (QuantizedModelStore.EntryWriter writer = store.writer(folder)) {
            seconds = quantizeEach(checkpoint, codec, names, writer::add, progress);
            writer.finish(scheme, Map.of(), provenance(checkpoint, modelHash, scheme, lmHead, seconds));
        }
        return fromEntry(store, folder, scheme, codec, names, false, seconds).orElseThrow();
    }

    /**
     * The model of a cache entry, its linears mapped from the file; empty when there is no entry.
     *
     * @param cached whether it came from the cache, as against just written by this quantization
     */
    private static Optional<QuantizedModel> fromEntry(QuantizedModelStore store, Path folder, Scheme scheme,
                                                      SchemeCodec codec, List<String> names, boolean cached,
                                                      double seconds) {
        Optional<QuantizedModelStore.Entry> entry = store.open(folder);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Map<String, QuantizedLinear> linears = new LinkedHashMap<>();
        for (String name : names) {
            QuantizedModelStore.StoredLinear s = entry.get().linears().get(name);
            if (s == null) {
                entry.get().close();
                throw new IllegalStateException("cache entry " + folder + " lacks " + name + "; delete it to rebuild");
            }
            linears.put(name, codec.restore(s.rows(), s.cols(), s.buffers()));
        }
        return Optional.of(new QuantizedModel(scheme, linears, entry.get().norms(), entry.get(), folder, cached, seconds));
    }

    /** Quantizes the linears one at a time from the mapped weights, handing each to {@code sink}; returns the seconds. */
    private static double quantizeEach(Checkpoint checkpoint, SchemeCodec codec, List<String> names,
                                       BiConsumer<String, QuantizedLinear> sink, Progress progress) {
        long start = System.nanoTime();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String source = name.equals(TensorNames.OUTPUT) && !checkpoint.hasTensor(TensorNames.OUTPUT)
                    ? TensorNames.TOKEN_EMBD : name;
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("quantization cancelled at " + name);
            }
            try {
                WeightTensor weight = checkpoint.tensor(source);
                sink.accept(name, codec.quantize(weight));
                weight.releasePages();
            } catch (IllegalArgumentException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                throw new IllegalArgumentException(why.contains(source) ? why : name + ": " + why, e);
            }
            progress.linearDone(i + 1, names.size(), name);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static QuantizedModel calibrate(Checkpoint checkpoint, String modelHash, Scheme scheme, SchemeCodec codec,
                                            CalibrationData calibration, ComputePool pool, QuantizedModelStore store,
                                            Path folder, Progress progress, List<String> names) {
        if (store == null) {
            CalibrationPipeline.Result result = runPipeline(checkpoint, scheme, calibration, pool, progress, names.size(),
                    null, null);
            return new QuantizedModel(scheme, result.linears(), result.norms(), null, null, false, result.seconds());
        }
        double seconds;
        try (QuantizedModelStore.EntryWriter writer = store.resumableWriter(folder, progress::message)) {
            CalibrationPipeline.Result result;
            try {
                result = runPipeline(checkpoint, scheme, calibration, pool, progress, names.size(), writer::add,
                        resumption(writer));
            } catch (CancellationException e) {
                progress.message("cancelled; the next run of " + scheme.name() + " on this model and batch continues from"
                        + " the last saved layer in " + writer.workFolder());
                writer.keepForResume();
                throw e;
            }
            seconds = result.seconds();
            writer.finish(scheme, result.norms(), calibrationProvenance(checkpoint, modelHash, scheme, calibration,
                    result, seconds));
        }
        return fromEntry(store, folder, scheme, codec, names, false, seconds).orElseThrow();
    }

    /** The pipeline's place kept in the entry's unfinished folder, with the linears written so far. */
    static CalibrationPipeline.Resumption resumption(QuantizedModelStore.EntryWriter writer) {
        return new CalibrationPipeline.Resumption() {
            @Override public Path folder() { return writer.workFolder(); }

            @Override public ObjectNode saved() { return writer.savedPlace(); }

            @Override public void save(ObjectNode place) { writer.savePlace(place); }

            @Override public void discard() { writer.discardSaved(); }
        };
    }

    private static CalibrationPipeline.Result runPipeline(Checkpoint checkpoint, Scheme scheme,
                                                          CalibrationData calibration, ComputePool pool,
                                                          Progress progress, int total,
                                                          BiConsumer<String, QuantizedLinear> sink,
                                                          CalibrationPipeline.Resumption resumption) {
        int[] done = {0};
        return CalibrationPipeline.run(checkpoint, calibration,
                SchemeCodecs.layerQuantizer(scheme), CalibrationPipeline.Options.defaults(), pool,
                new CalibrationPipeline.Progress() {
                    @Override
                    public void layerDone(int layer, int layers, double loss, double seconds) {
                        progress.message(String.format("layer %d/%d: loss %.5g, %.2f s", layer + 1, layers, loss, seconds));
                        done[0] = Math.max(done[0], layer * LinearRole.values().length);
                        for (LinearRole role : LinearRole.values()) {
                            progress.linearDone(++done[0], total, role.tensorName(layer));
                        }
                    }

                    @Override
                    public void message(String line) {
                        progress.message(line);
                    }
                }, sink, resumption);
    }

    private static ObjectNode calibrationProvenance(Checkpoint checkpoint, String modelHash, Scheme scheme,
                                                    CalibrationData calibration, CalibrationPipeline.Result result,
                                                    double seconds) {
        ObjectNode p = provenance(checkpoint, modelHash, scheme, false, seconds);
        ObjectNode c = p.putObject("calibration");
        c.put("file", calibration.source().toAbsolutePath().toString());
        c.put("file_sha256", calibration.sha256());
        c.put("samples", calibration.sampleCount());
        c.put("tokens", calibration.tokens());
        c.put("seed", calibration.seed());
        c.put("inputs", "quantized previous layers (true sequential)");
        if (result.resumedAt() > 0) {
            c.put("resumed_at_layer", result.resumedAt());
        }
        var losses = c.putArray("layer_losses");
        for (double l : result.layerLosses()) {
            losses.add(l);
        }
        return p;
    }

    static ObjectNode provenance(Checkpoint checkpoint, String modelHash, Scheme scheme, boolean lmHead, double seconds) {
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.put("model", checkpoint.source().toAbsolutePath().toString());
        p.put("model_sha256", modelHash);
        p.put("scheme", scheme.name());
        p.put("lm_head_quantized", lmHead);
        p.put("embeddings_and_norms", "kept in their stored dtype");
        p.put("quantize_seconds", seconds);
        p.put("created", Instant.now().toString());
        p.put("software", "QuantBench " + org.quantbench.tensor.SoftwareVersion.VERSION);
        return p;
    }
}
