package org.quantbench.engine;

/**
 * How the engine's own steps compute: RMSNorm, RoPE, the KV cache and attention (the linears' arithmetic comes from
 * the {@link LinearFactory}).
 */
public enum Numerics {
    /** Float32 throughout, in the orders documented on each step; logits do not depend on the forward block size. */
    EXACT,
    /**
     * llama.cpp's CPU arithmetic, to reproduce its numbers: RMSNorm's sum of squares in double, RoPE angles grown by
     * float multiplication as ggml does, keys and values rounded to fp16 as its default F16 cache holds them, and
     * {@link LlamaCppAttention}'s flash attention, whose path (and so the last bits of the logits) depends, as in
     * llama.cpp, on whether a forward call has 64 tokens or more.
     */
    LLAMA_CPP
}
