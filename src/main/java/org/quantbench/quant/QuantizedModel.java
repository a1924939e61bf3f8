package org.quantbench.quant;

import org.quantbench.engine.Linear;
import org.quantbench.engine.LinearFactory;
import org.quantbench.quant.ggml.GgmlLinearFactory;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Path;
import java.util.Map;

/**
 * The quantized linears of one model under one scheme, served to {@link org.quantbench.engine.LlamaModel#load}
 * as a {@link LinearFactory}: quantized layers by name, replaced norm vectors by name, every other weight as stored.
 * Closing it releases the cache mapping the buffers may live in.
 */
public final class QuantizedModel implements LinearFactory, AutoCloseable {
    private static final LinearFactory STORED = new GgmlLinearFactory();
    private final Scheme scheme;
    private final Map<String, QuantizedLinear> linears;
    private final Map<String, float[]> norms;
    private final AutoCloseable backing;
    private final Path cacheEntry;
    private final boolean fromCache;
    private final double quantizeSeconds;

    QuantizedModel(Scheme scheme, Map<String, QuantizedLinear> linears, Map<String, float[]> norms, AutoCloseable backing,
                   Path cacheEntry, boolean fromCache, double quantizeSeconds) {
        this.scheme = scheme;
        this.linears = linears;
        this.norms = norms;
        this.backing = backing;
        this.cacheEntry = cacheEntry;
        this.fromCache = fromCache;
        this.quantizeSeconds = quantizeSeconds;
    }

    public Scheme scheme() { return scheme; }

    public Map<String, QuantizedLinear> linears() { return linears; }

    /** The norm vectors the scheme's calibration replaced (AWQ, SmoothQuant fold scales into them), by name. */
    public Map<String, float[]> norms() { return norms; }

    /** The cache folder it came from or was written to; null when the cache was not used. */
    public Path cacheEntry() { return cacheEntry; }

    public boolean fromCache() { return fromCache; }

    /** Wall time of quantization (0 when restored from the cache). */
    public double quantizeSeconds() { return quantizeSeconds; }

    /** Bits per weight over the quantized linears, scales and zeros included. */
    public double bitsPerWeight() {
        double bits = 0;
        long weights = 0;
        for (QuantizedLinear q : linears.values()) {
            long n = (long) q.inFeatures() * q.outFeatures();
            bits += q.bitsPerWeight() * n;
            weights += n;
        }
        return weights == 0 ? 0 : bits / weights;
    }

    @Override
    public Linear create(String canonicalName, WeightTensor weight) {
        QuantizedLinear q = linears.get(canonicalName);
        return q != null ? q : STORED.create(canonicalName, weight);
    }

    @Override
    public float[] norm(String canonicalName, WeightTensor stored) {
        float[] replaced = norms.get(canonicalName);
        return replaced != null ? replaced.clone() : stored.toFloatArray();
    }

    @Override
    public void close() {
        if (backing != null) {
            try {
                backing.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot release the cache entry " + cacheEntry, e);
            }
        }
    }
}
