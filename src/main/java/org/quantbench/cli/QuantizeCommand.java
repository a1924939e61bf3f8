package org.quantbench.cli;

import org.quantbench.model.Checkpoint;
import org.quantbench.quant.QuantizedLinear;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "quantize", description = {
        "Quantize a model with --scheme into the cache (keyed by model hash + scheme), one linear at a time.",
        "perplexity, generate and bench with the same --scheme then load it from there."})
final class QuantizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the calibration windows (same as --calib-seed; default 0).")
    Long seed;

    @Override
    public Integer call() {
        options.commandSeed = seed;
        if (options.scheme == null) {
            throw new IllegalArgumentException("quantize needs --scheme NAME");
        }
        try (Checkpoint ckpt = options.open(); ModelOptions.LoadedModel loaded = options.load(ckpt)) {
            long packed = 0;
            long weights = 0;
            for (QuantizedLinear q : loaded.quantized().linears().values()) {
                packed += q.residentBytes();
                weights += (long) q.inFeatures() * q.outFeatures();
            }
            System.out.printf("scheme: %s (%s)%n", loaded.quantized().scheme().name(), loaded.quantized().scheme().description());
            System.out.printf("linears: %d, %,d weights, %s packed, %.3f bits/weight (scales and zeros included)%n",
                    loaded.quantized().linears().size(), weights, Bytes.human(packed), loaded.quantized().bitsPerWeight());
            System.out.printf("kept as stored: embeddings, norms%s%n", options.quantizeLmHead ? "" : ", lm_head");
            System.out.printf("resident weights of the whole model: %s%n", Bytes.human(loaded.model().residentWeightBytes()));
            System.out.printf("cache entry: %s%n", loaded.quantized().cacheEntry() == null ? "(not cached)" : loaded.quantized().cacheEntry());
        }
        return 0;
    }
}
