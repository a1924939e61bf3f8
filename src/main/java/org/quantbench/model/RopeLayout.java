package org.quantbench.model;

/**
 * Which dimensions of a head RoPE rotates together. HF checkpoints keep the "rotate half" order (i, i + d/2);
 * llama2.c and GGUF llama-family files store Q/K rows permuted so that pairs are adjacent (2i, 2i+1).
 */
public enum RopeLayout {
    INTERLEAVED,
    HALF
}
