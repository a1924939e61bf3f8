package org.quantbench.workbench.memory;

import org.quantbench.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Weight, KV-cache and GPU memory of a model shape under a storage format, from the config alone (no weights are
 * read), so it answers for 70B and 405B models as well as for the one on disk. The KV cache holds K and V for
 * every layer, context position and sequence of the batch; the GPU count splits weights + cache evenly over
 * GPUs (tensor parallelism), leaving each GPU the share {@link MemoryOptions#gpuUtilization()} does not take.
 */
public final class MemoryCalculator {
    private final MemoryOptions options;

    public MemoryCalculator(MemoryOptions options) {
        this.options = options;
    }

    public MemoryOptions options() {
        return options;
    }

    public List<MemoryEstimate> estimateAll(String model, ModelConfig config, List<WeightFormat> formats) {
        return formats.stream().map(f -> estimate(model, config, f)).toList();
    }

    public MemoryEstimate estimate(String model, ModelConfig c, WeightFormat format) {
        long dim = c.dim();
        long q = c.qDim();
        long kv = c.kvDim();
        long hidden = c.hiddenDim();
        long vocab = c.vocabSize();

        long perLayerBits = format.bits(TensorRole.LINEAR, q, dim) + 2 * format.bits(TensorRole.LINEAR, kv, dim)
                + format.bits(TensorRole.LINEAR, dim, q) + 2 * format.bits(TensorRole.LINEAR, hidden, dim)
                + format.bits(TensorRole.LINEAR, dim, hidden);
        long linearBits = Math.multiplyExact(perLayerBits, (long) c.nLayers());
        long linearParams = c.nLayers() * (2 * q * dim + 2 * kv * dim + 3 * hidden * dim);

        long otherBits;
        if (c.tiedEmbeddings()) {
            otherBits = format.bits(TensorRole.CLASSIFIER, vocab, dim);
        } else {
            otherBits = format.bits(TensorRole.EMBEDDING, vocab, dim) + format.bits(
                    options.quantizeLmHead() ? TensorRole.LINEAR : TensorRole.CLASSIFIER, vocab, dim);
        }
        long smallParams = c.parameterCount() - linearParams - vocab * dim * (c.tiedEmbeddings() ? 1 : 2);
        otherBits += (long) format.smallTensorBits() * smallParams;

        long kvBytes = 2L * c.nLayers() * kv * options.contextLength() * options.batch() * options.kvCacheBits() / 8;
        long linearBytes = ceilDiv(linearBits, 8);
        long otherBytes = ceilDiv(otherBits, 8);
        long total = linearBytes + otherBytes + kvBytes;
        List<MemoryEstimate.GpuCount> gpus = new ArrayList<>();
        for (MemoryOptions.Gpu gpu : options.gpus()) {
            double usable = gpu.bytes() * options.gpuUtilization();
            gpus.add(new MemoryEstimate.GpuCount(gpu, (int) Math.ceil(total / usable)));
        }
        return new MemoryEstimate(model, format.name(), format.layout(), c.parameterCount(), linearParams, linearBytes,
                otherBytes, (double) linearBits / linearParams, kvBytes, options, gpus);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
