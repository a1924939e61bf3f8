package org.quantbench.cli;

import org.quantbench.model.ModelConfig;
import org.quantbench.workbench.memory.MemoryCalculator;
import org.quantbench.workbench.memory.MemoryEstimate;
import org.quantbench.workbench.memory.MemoryOptions;
import org.quantbench.workbench.memory.ModelPresets;
import org.quantbench.workbench.memory.ModelShapes;
import org.quantbench.workbench.memory.WeightFormat;
import org.quantbench.workbench.memory.WeightFormats;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "memory", description = {"Weight, KV-cache and GPU memory of a model under each format, from its shape alone",
        "(a config.json is enough, so it answers for 70B and 405B models too)."})
final class MemoryCommand implements Callable<Integer> {

    static final class Source {
        @Parameters(index = "0", paramLabel = "MODEL", description = "A config.json, a HF folder, a .gguf or a llama2.c .bin.")
        Path model;

        @Option(names = "--preset", paramLabel = "NAME", description = "A known model instead: ${COMPLETION-CANDIDATES}.",
                completionCandidates = PresetNames.class)
        String preset;
    }

    static final class PresetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ModelPresets.ALL.stream().map(ModelPresets.Preset::name).iterator();
        }
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(names = "--formats", split = ",", paramLabel = "NAMES", description = "Schemes or formats (default: "
            + "BF16, FP8-dynamic, W8A8-INT, W4A16-GPTQ-g128-sym, W4A16-AWQ-g128-asym, NF4, NF4-DQ, Q8_0, Q4_K, AQLM-1x16, AQLM-2x8).")
    List<String> formats = WeightFormats.STANDARD;

    @Option(names = "--ctx", paramLabel = "TOKENS", description = "Context length of the KV cache (default: ${DEFAULT-VALUE}).")
    int context = 8192;

    @Option(names = "--batch", paramLabel = "N", description = "Sequences held at once (default: ${DEFAULT-VALUE}).")
    int batch = 1;

    @Option(names = "--kv-bits", paramLabel = "BITS", description = "Bits per KV-cache value: 16, or 8 for an FP8 cache (default: ${DEFAULT-VALUE}).")
    int kvBits = 16;

    @Option(names = "--quantize-lm-head", description = "Count lm_head quantized like the linears (default: 16-bit).")
    boolean lmHead;

    @Override
    public Integer call() {
        String name;
        ModelConfig config;
        if (source.preset != null) {
            ModelPresets.Preset p = ModelPresets.byName(source.preset).orElseThrow(() -> new IllegalArgumentException(
                    "unknown preset '" + source.preset + "'; known: " + ModelPresets.ALL.stream()
                            .map(ModelPresets.Preset::name).collect(Collectors.joining(", "))));
            name = p.name();
            config = p.config();
        } else {
            name = source.model.toString();
            config = ModelShapes.read(source.model);
        }
        List<WeightFormat> parsed = formats.stream().map(WeightFormats::parse).toList();
        MemoryOptions options = MemoryOptions.defaults().withContext(context, batch).withKvCacheBits(kvBits)
                .withQuantizedLmHead(lmHead);
        List<MemoryEstimate> estimates = new MemoryCalculator(options).estimateAll(name, config, parsed);

        System.out.printf("%s: %,d parameters, %d layers, KV cache for %d x %d tokens at %d bits%n", name,
                config.parameterCount(), config.nLayers(), batch, context, kvBits);
        System.out.printf("%-22s %10s %12s %12s %12s %8s %8s%n", "format", "bits/w", "weights", "KV cache", "total",
                "24 GB", "80 GB");
        for (MemoryEstimate e : estimates) {
            System.out.printf("%-22s %10.3f %12s %12s %12s %8d %8d%n", e.format(), e.linearBitsPerWeight(),
                    Bytes.human(e.weightBytes()), Bytes.human(e.kvCacheBytes()), Bytes.human(e.totalBytes()),
                    e.gpus().get(0).count(), e.gpus().get(1).count());
        }
        System.out.printf("bits/w: over the decoder linears, scales and zeros included; GPUs: weights + cache within %.0f%% "
                + "of each GPU (the rest for CUDA context and activations).%n", 100 * options.gpuUtilization());
        for (MemoryEstimate e : estimates) {
            System.out.printf("  %s: %s%n", e.format(), e.layout());
        }
        return 0;
    }
}
