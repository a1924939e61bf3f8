package org.quantbench.workbench.measure;

import org.quantbench.engine.LlamaModel;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelFingerprint;
import org.quantbench.quant.ModelQuantizer;
import org.quantbench.quant.QuantizedModelStore;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.calib.CalibrationData;
import org.quantbench.quant.ggml.GgmlLinearFactory;
import org.quantbench.tensor.ComputePool;

import java.nio.file.Path;

/**
 * Loads a checkpoint as stored or quantized under a scheme through the quantized-model cache: the one way the CLI
 * commands and the run executor get a runnable model.
 *
 * @param cacheRoot the cache folder (quantized models, model hashes, base logits), or null to use no cache
 */
public record ModelLoading(Path cacheRoot) {

    /** The default cache: {@code $QUANTBENCH_CACHE} or {@code ~/.cache/quantbench}. */
    public static ModelLoading withDefaultCache() {
        return new ModelLoading(QuantizedModelStore.defaultCacheRoot());
    }

    /** The checkpoint file's SHA-256, remembered beside the cache so a large model is hashed once. */
    public String sha256(Checkpoint checkpoint) {
        return ModelFingerprint.sha256(checkpoint.source(), cacheRoot == null ? null : cacheRoot.resolve("hashes"));
    }

    /** Where base logits for KLD are cached (null without a cache). */
    public Path baseLogitsDir() {
        return cacheRoot == null ? null : cacheRoot.resolve("base-logits");
    }

    /**
     * @param scheme   null for the weights as stored
     * @param progress told after each quantized linear (may throw to cancel)
     */
    public LoadedModel load(Checkpoint checkpoint, Scheme scheme, boolean quantizeLmHead, ModelQuantizer.Progress progress) {
        return load(checkpoint, scheme, quantizeLmHead, null, ComputePool.shared(), progress, Arithmetic.EXACT);
    }

    /** {@link #load(Checkpoint, Scheme, boolean, ModelQuantizer.Progress)} running with {@code arithmetic}. */
    public LoadedModel load(Checkpoint checkpoint, Scheme scheme, boolean quantizeLmHead, ModelQuantizer.Progress progress,
                            Arithmetic arithmetic) {
        return load(checkpoint, scheme, quantizeLmHead, null, ComputePool.shared(), progress, arithmetic);
    }

    /**
     * As {@link #load(Checkpoint, Scheme, boolean, ModelQuantizer.Progress)}, with the calibration data that GPTQ, AWQ,
     * SmoothQuant, AutoRound and AQLM need (null for the others) and the pool their calibration pass runs on.
     */
    public LoadedModel load(Checkpoint checkpoint, Scheme scheme, boolean quantizeLmHead, CalibrationData calibration,
                            ComputePool pool, ModelQuantizer.Progress progress) {
        return load(checkpoint, scheme, quantizeLmHead, calibration, pool, progress, Arithmetic.EXACT);
    }

    /** The general form: calibration (or null), the pool of its pass, progress and the arithmetic to run with. */
    public LoadedModel load(Checkpoint checkpoint, Scheme scheme, boolean quantizeLmHead, CalibrationData calibration,
                            ComputePool pool, ModelQuantizer.Progress progress, Arithmetic arithmetic) {
        if (scheme == null) {
            return new LoadedModel(LlamaModel.load(checkpoint, arithmetic.linears(new GgmlLinearFactory()),
                    arithmetic.numerics()), null, arithmetic);
        }
        var q = ModelQuantizer.prepare(checkpoint, sha256(checkpoint), scheme, quantizeLmHead, calibration, pool,
                cacheRoot == null ? null : new QuantizedModelStore(cacheRoot), progress);
        try {
            return new LoadedModel(LlamaModel.load(checkpoint, arithmetic.linears(q), arithmetic.numerics()), q, arithmetic);
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
    }
}
