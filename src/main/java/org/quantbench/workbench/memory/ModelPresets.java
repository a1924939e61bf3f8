package org.quantbench.workbench.memory;

import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;

import java.util.List;
import java.util.Optional;

/**
 * Shapes of well-known models, from their published config.json, so the memory calculator answers for models
 * too large to download or load.
 */
public final class ModelPresets {

    /** A named model shape. */
    public record Preset(String name, ModelConfig config) {}

    private static final RopeScaling LLAMA31 = new RopeScaling("llama3", 8, 1, 4, 8192);
    private static final RopeScaling LLAMA32 = new RopeScaling("llama3", 32, 1, 4, 8192);

    public static final List<Preset> ALL = List.of(
            llama("SmolLM2-135M", 576, 1536, 30, 9, 3, 64, 49152, 8192, 100_000, RopeScaling.NONE, true),
            llama("SmolLM2-360M", 960, 2560, 32, 15, 5, 64, 49152, 8192, 100_000, RopeScaling.NONE, true),
            llama("SmolLM2-1.7B", 2048, 8192, 24, 32, 32, 64, 49152, 8192, 130_000, RopeScaling.NONE, true),
            llama("Llama-3.2-1B", 2048, 8192, 16, 32, 8, 64, 128256, 131072, 500_000, LLAMA32, true),
            llama("Llama-3.2-3B", 3072, 8192, 28, 24, 8, 128, 128256, 131072, 500_000, LLAMA32, true),
            llama("Llama-3.1-8B", 4096, 14336, 32, 32, 8, 128, 128256, 131072, 500_000, LLAMA31, false),
            llama("Llama-3.1-70B", 8192, 28672, 80, 64, 8, 128, 128256, 131072, 500_000, LLAMA31, false),
            llama("Llama-3.1-405B", 16384, 53248, 126, 128, 8, 128, 128256, 131072, 500_000, LLAMA31, false),
            new Preset("Mistral-7B-v0.3", new ModelConfig("MistralForCausalLM", 4096, 14336, 32, 32, 8, 128, 32768,
                    32768, 1e-5f, 1_000_000f, RopeScaling.NONE, RopeLayout.HALF, false, false)),
            qwen("Qwen2.5-0.5B", 896, 4864, 24, 14, 2, 64, 151936, true),
            qwen("Qwen2.5-7B", 3584, 18944, 28, 28, 4, 128, 152064, false));

    private ModelPresets() {}

    public static Optional<Preset> byName(String name) {
        return ALL.stream().filter(p -> p.name().equalsIgnoreCase(name == null ? "" : name.strip())).findFirst();
    }

    private static Preset llama(String name, int dim, int hidden, int layers, int heads, int kvHeads, int headDim,
                                int vocab, int maxSeq, float theta, RopeScaling scaling, boolean tied) {
        return new Preset(name, new ModelConfig("LlamaForCausalLM", dim, hidden, layers, heads, kvHeads, headDim, vocab,
                maxSeq, 1e-5f, theta, scaling, RopeLayout.HALF, tied, false));
    }

    private static Preset qwen(String name, int dim, int hidden, int layers, int heads, int kvHeads, int headDim,
                               int vocab, boolean tied) {
        return new Preset(name, new ModelConfig("Qwen2ForCausalLM", dim, hidden, layers, heads, kvHeads, headDim, vocab,
                32768, 1e-6f, 1_000_000f, RopeScaling.NONE, RopeLayout.HALF, tied, true));
    }
}
