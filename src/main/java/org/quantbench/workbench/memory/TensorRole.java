package org.quantbench.workbench.memory;

/** What a weight matrix does, since formats keep the embedding and the classifier at other widths than the linears. */
public enum TensorRole {
    /** q, k, v, o, gate, up, down of every decoder layer (and lm_head when the user quantizes it). */
    LINEAR,
    /** token_embd of an untied model: a lookup table, never multiplied as a whole. */
    EMBEDDING,
    /** output.weight (lm_head), or token_embd when tied, since it then serves as the classifier too. */
    CLASSIFIER
}
