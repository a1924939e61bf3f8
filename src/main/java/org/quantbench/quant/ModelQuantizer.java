package org.quantbench.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.TensorNames;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Produces the {@link QuantizedModel} of a checkpoint under a scheme: from the cache when an entry exists, else by
 * quantizing one linear at a time straight from the mapped weights (peak memory: one widened row plus the packed
 * results) and storing the entry. Embeddings and norms keep their dtype; lm_head too unless asked.
 */
public final class ModelQuantizer {
    private ModelQuantizer() {}

    /** Progress of a quantization: linears done out of total, and the name of the one just finished. */
    @FunctionalInterface
    public interface Progress {
        void linearDone(int done, int total, String name);
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
        scheme.unavailableReason().ifPresent(reason -> {
            throw new IllegalArgumentException(scheme.name() + ": " + reason);
        });
        SchemeCodec codec = SchemeCodecs.of(scheme);
        List<String> names = linearNames(checkpoint.config(), lmHead);
        Path folder = store == null ? null : store.entry(modelHash, scheme, lmHead);
        if (store != null) {
            Optional<QuantizedModelStore.Entry> entry = store.open(folder);
            if (entry.isPresent()) {
                Map<String, QuantizedLinear> linears = new LinkedHashMap<>();
                for (String name : names) {
                    QuantizedModelStore.StoredLinear s = entry.get().linears().get(name);
                    if (s == null) {
                        entry.get().close();
                        throw new IllegalStateException("cache entry " + folder + " lacks " + name + "; delete it to rebuild");
                    }
                    linears.put(name, codec.restore(s.rows(), s.cols(), s.buffers()));
                }
                return new QuantizedModel(scheme, linears, entry.get(), folder, true, 0);
            }
        }
        long start = System.nanoTime();
        Map<String, QuantizedLinear> linears = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String source = name.equals(TensorNames.OUTPUT) && !checkpoint.hasTensor(TensorNames.OUTPUT)
                    ? TensorNames.TOKEN_EMBD : name;
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("quantization cancelled at " + name);
            }
            try {
                linears.put(name, codec.quantize(checkpoint.tensor(source)));
            } catch (IllegalArgumentException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                throw new IllegalArgumentException(why.contains(source) ? why : name + ": " + why, e);
            }
            progress.linearDone(i + 1, names.size(), name);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (store != null) {
            store.save(folder, scheme, linears, provenance(checkpoint, modelHash, scheme, lmHead, seconds));
        }
        return new QuantizedModel(scheme, linears, null, folder, false, seconds);
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
