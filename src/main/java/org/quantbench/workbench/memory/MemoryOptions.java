package org.quantbench.workbench.memory;

import java.util.List;

/**
 * What the estimate assumes beyond the weights: the KV cache for {@code batch} sequences of {@code contextLength}
 * tokens at {@code kvCacheBits} per value (16 for fp16/bf16, 8 for an FP8 cache); whether lm_head is quantized
 * like the linears; and how much of each GPU the weights and the cache may take ({@code gpuUtilization}: the rest
 * is kept for the CUDA context and activations; 0.9 is vLLM's default).
 */
public record MemoryOptions(int contextLength, int batch, int kvCacheBits, boolean quantizeLmHead,
                            double gpuUtilization, List<Gpu> gpus) {

    /** A GPU size to count, e.g. "24 GB" at 24 GiB (RTX 3090/4090) or "80 GB" at 80 GiB (A100/H100). */
    public record Gpu(String name, long bytes) {
        public Gpu {
            if (bytes <= 0) {
                throw new IllegalArgumentException("GPU memory must be positive");
            }
        }
    }

    public static final long GIB = 1L << 30;
    public static final List<Gpu> STANDARD_GPUS = List.of(new Gpu("24 GB", 24 * GIB), new Gpu("80 GB", 80 * GIB));

    public MemoryOptions {
        if (contextLength < 0 || batch < 1) {
            throw new IllegalArgumentException("context length must be >= 0 and batch >= 1");
        }
        if (kvCacheBits != 4 && kvCacheBits != 8 && kvCacheBits != 16 && kvCacheBits != 32) {
            throw new IllegalArgumentException("KV cache bits must be 4, 8, 16 or 32, got " + kvCacheBits);
        }
        if (!(gpuUtilization > 0 && gpuUtilization <= 1)) {
            throw new IllegalArgumentException("GPU utilization must be in (0, 1], got " + gpuUtilization);
        }
        gpus = List.copyOf(gpus);
    }

    /** 8,192 tokens, batch 1, 16-bit cache, lm_head unquantized, 90% of 24 GB and 80 GB GPUs. */
    public static MemoryOptions defaults() {
        return new MemoryOptions(8192, 1, 16, false, 0.9, STANDARD_GPUS);
    }

    public MemoryOptions withContext(int newContextLength, int newBatch) {
        return new MemoryOptions(newContextLength, newBatch, kvCacheBits, quantizeLmHead, gpuUtilization, gpus);
    }

    public MemoryOptions withKvCacheBits(int bits) {
        return new MemoryOptions(contextLength, batch, bits, quantizeLmHead, gpuUtilization, gpus);
    }

    public MemoryOptions withQuantizedLmHead(boolean quantize) {
        return new MemoryOptions(contextLength, batch, kvCacheBits, quantize, gpuUtilization, gpus);
    }
}
