package org.quantbench.engine;

/** How the KV cache holds keys (after RoPE) and values. */
public enum KvCacheType {
    /** Float32, exactly as computed. */
    F32,
    /**
     * Rounded to fp16 (round to nearest even) as they are stored, as llama.cpp's default F16 cache holds them; the
     * rounded values are kept in the float arrays and attention runs in float on them, which is llama.cpp's CPU flash
     * attention for a block of 64 or more tokens (it converts K and V back to float and keeps Q in float).
     */
    F16
}
