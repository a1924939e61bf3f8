package org.quantbench.workbench.measure;

import org.quantbench.engine.Numerics;
import org.quantbench.engine.LinearFactory;
import org.quantbench.quant.ggml.LlamaCppLinearFactory;

import java.util.Locale;

/** The arithmetic a model runs with: QuantBench's exact float path, or llama.cpp's CPU arithmetic to reproduce its numbers. */
public enum Arithmetic {
    EXACT("exact", "exact float (weights widened to float, float activations, float KV cache)"),
    LLAMA_CPP("llamacpp", "llama.cpp-compatible (Q8_0/Q8_1 int8 activations in Q8_0/Q4_0/Q4_1 matmuls,"
            + " fp16/bf16 activations for F16/BF16 weights, F16 KV cache, ggml's norms, RoPE and CPU flash attention)");

    private final String cliName;
    private final String description;

    Arithmetic(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
    }

    /** "exact" or "llamacpp" (case-insensitive; "llama.cpp" and "llama_cpp" too). */
    public static Arithmetic parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace(".", "").replace("_", "").replace("-", "");
        for (Arithmetic a : values()) {
            if (a.cliName.equals(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException("arithmetic must be exact or llamacpp, not '" + name + "'");
    }

    public String cliName() { return cliName; }

    /** What the arithmetic does, for report lines. */
    public String description() { return description; }

    /** The factory that gives {@code weights}' linears this arithmetic. */
    public LinearFactory linears(LinearFactory weights) {
        return this == EXACT ? weights : new LlamaCppLinearFactory(weights);
    }

    public Numerics numerics() {
        return this == EXACT ? Numerics.EXACT : Numerics.LLAMA_CPP;
    }
}
