package org.quantbench.ui.viewmodel;

import org.quantbench.quant.AqlmScheme;
import org.quantbench.quant.Fp8Scheme;
import org.quantbench.quant.GgmlScheme;
import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.Nf4Scheme;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.W8A8IntScheme;

/** The kinds of scheme the editor builds, one per {@link Scheme} implementation. */
public enum SchemeFamily {
    INT_WEIGHT("Integer weights (W*A16)"),
    W8A8_INT("Integer weights and activations (W8A8)"),
    FP8("FP8"),
    NF4("NormalFloat 4 (bitsandbytes)"),
    GGML("llama.cpp blocks"),
    AQLM("Additive (AQLM)");

    private final String title;

    SchemeFamily(String title) {
        this.title = title;
    }

    public String title() { return title; }

    @Override
    public String toString() { return title; }

    public static SchemeFamily of(Scheme scheme) {
        return switch (scheme) {
            case IntWeightScheme s -> INT_WEIGHT;
            case W8A8IntScheme s -> W8A8_INT;
            case Fp8Scheme s -> FP8;
            case Nf4Scheme s -> NF4;
            case GgmlScheme s -> GGML;
            case AqlmScheme s -> AQLM;
        };
    }
}
