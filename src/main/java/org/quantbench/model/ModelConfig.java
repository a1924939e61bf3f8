package org.quantbench.model;

/**
 * Shape and hyper-parameters of a Llama-family decoder. {@code architecture} is the HF name
 * (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM); {@code qkvBias} is true for Qwen2.
 */
public record ModelConfig(String architecture, int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads,
                          int headDim, int vocabSize, int maxSeqLen, float normEps, float ropeTheta,
                          RopeScaling ropeScaling, RopeLayout ropeLayout, boolean tiedEmbeddings, boolean qkvBias) {

    public ModelConfig {
        positive("dim", dim);
        positive("hidden_dim", hiddenDim);
        positive("n_layers", nLayers);
        positive("n_heads", nHeads);
        positive("n_kv_heads", nKvHeads);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        positive("max_seq_len", maxSeqLen);
        if (nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException("n_heads " + nHeads + " is not a multiple of n_kv_heads " + nKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " is odd; RoPE needs pairs");
        }
        if (!(normEps > 0) || !(ropeTheta > 0)) {
            throw new IllegalArgumentException("norm eps and rope theta must be positive");
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    public int kvDim() { return nKvHeads * headDim; }

    public int qDim() { return nHeads * headDim; }

    /** Parameters of the weights (embedding, layers, norms, a separate classifier when untied). */
    public long parameterCount() {
        long perLayer = (long) dim * qDim() + 2L * dim * kvDim() + (long) qDim() * dim + 3L * dim * hiddenDim + 2L * dim;
        if (qkvBias) {
            perLayer += qDim() + 2L * kvDim();
        }
        long embed = (long) vocabSize * dim;
        return embed + perLayer * nLayers + dim + (tiedEmbeddings ? 0 : embed);
    }
}
