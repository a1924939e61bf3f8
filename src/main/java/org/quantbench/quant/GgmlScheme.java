package org.quantbench.quant;

import org.quantbench.tensor.DType;

/** llama.cpp's block formats with its exact rounding: Q8_0, Q4_0, Q4_1 (32 weights per block). */
public record GgmlScheme(DType type) implements Scheme {

    public GgmlScheme {
        if (type != DType.Q8_0 && type != DType.Q4_0 && type != DType.Q4_1) {
            throw new IllegalArgumentException("llama.cpp block schemes are Q8_0, Q4_0 and Q4_1, not " + type);
        }
    }

    @Override
    public String name() {
        return type.name();
    }

    @Override
    public String description() {
        return switch (type) {
            case Q8_0 -> "llama.cpp Q8_0: blocks of 32 int8 weights with an fp16 scale (8.5 bits per weight).";
            case Q4_0 -> "llama.cpp Q4_0: blocks of 32 4-bit weights with an fp16 scale (4.5 bits per weight).";
            default -> "llama.cpp Q4_1: blocks of 32 4-bit weights with an fp16 scale and minimum (5 bits per weight).";
        };
    }
}
