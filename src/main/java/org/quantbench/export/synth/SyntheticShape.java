package org.quantbench.export.synth;

import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;

import java.util.Locale;

/**
 * The dimensions of a synthetic Llama model: presets shaped like Llama 3.2 1B and Llama 3 8B, or any
 * "DIM,HIDDEN,LAYERS,HEADS,KV,VOCAB". Such models are for speed and memory measurements only, never accuracy.
 */
public record SyntheticShape(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab) {
    /** Byte tokens plus the two special tokens of the synthetic tokenizer. */
    public static final int MIN_VOCAB = 256 + 2;
    public static final SyntheticShape LLAMA_1B = new SyntheticShape(2048, 8192, 16, 32, 8, 128256);
    public static final SyntheticShape LLAMA_8B = new SyntheticShape(4096, 14336, 32, 32, 8, 128256);

    public SyntheticShape {
        if (dim <= 0 || hiddenDim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0) {
            throw new IllegalArgumentException("every dimension must be positive: " + spec(dim, hiddenDim, layers, heads, kvHeads, vocab));
        }
        if (dim % heads != 0 || (dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("dim " + dim + " must split into " + heads + " heads of even size");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " must be a multiple of kv heads " + kvHeads);
        }
        if (vocab < MIN_VOCAB) {
            throw new IllegalArgumentException("vocab " + vocab + " is below " + MIN_VOCAB + " (256 byte tokens + BOS + EOS)");
        }
    }

    /** "1b", "8b" or "DIM,HIDDEN,LAYERS,HEADS,KV,VOCAB". */
    public static SyntheticShape parse(String text) {
        String spec = text.strip().toLowerCase(Locale.ROOT);
        switch (spec) {
            case "1b" -> { return LLAMA_1B; }
            case "8b" -> { return LLAMA_8B; }
            default -> { }
        }
        String[] parts = spec.split(",", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("shape \"" + text + "\" is neither 1b, 8b nor DIM,HIDDEN,LAYERS,HEADS,KV,VOCAB");
        }
        int[] values = new int[6];
        for (int i = 0; i < 6; i++) {
            try {
                values[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape \"" + text + "\": \"" + parts[i].strip() + "\" is not an integer");
            }
        }
        return new SyntheticShape(values[0], values[1], values[2], values[3], values[4], values[5]);
    }

    public int headDim() { return dim / heads; }

    /** The comma form {@link #parse} reads. */
    public String spec() {
        return spec(dim, hiddenDim, layers, heads, kvHeads, vocab);
    }

    private static String spec(int dim, int hidden, int layers, int heads, int kv, int vocab) {
        return dim + "," + hidden + "," + layers + "," + heads + "," + kv + "," + vocab;
    }

    /** A Llama 3 style config: RoPE theta 500000, RMSNorm eps 1e-5, 8192 positions, no RoPE scaling. */
    public ModelConfig toModelConfig(boolean tiedEmbeddings) {
        return new ModelConfig("LlamaForCausalLM", dim, hiddenDim, layers, heads, kvHeads, headDim(), vocab, 8192,
                1e-5f, 500000f, RopeScaling.NONE, RopeLayout.HALF, tiedEmbeddings, false);
    }
}
