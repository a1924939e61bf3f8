package org.quantbench.workbench.memory;

import java.util.List;

/**
 * Memory of one model under one format: weight bytes split into the decoder linears and the rest (embedding,
 * classifier, norms, biases), the effective bits per weight of the linears (scales and zeros included), the KV
 * cache, and how many GPUs of each size hold weights + cache.
 */
public record MemoryEstimate(String model, String format, String layout, long parameters, long linearParameters,
                             long linearBytes, long otherBytes, double linearBitsPerWeight, long kvCacheBytes,
                             MemoryOptions options, List<GpuCount> gpus) {

    /** GPUs of one size needed: {@code ceil(total / (utilization x memory))}. */
    public record GpuCount(MemoryOptions.Gpu gpu, int count) {}

    public MemoryEstimate {
        gpus = List.copyOf(gpus);
    }

    public long weightBytes() {
        return linearBytes + otherBytes;
    }

    public long totalBytes() {
        return weightBytes() + kvCacheBytes;
    }

    /** Bits per parameter over the whole model. */
    public double bitsPerParameter() {
        return 8.0 * weightBytes() / parameters;
    }
}
