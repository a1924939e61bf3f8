package org.quantbench.workbench.memory;

import org.quantbench.quant.AqlmScheme;
import org.quantbench.quant.Fp8Scheme;
import org.quantbench.quant.GgmlScheme;
import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.Nf4Scheme;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.SchemeNames;
import org.quantbench.quant.W8A8IntScheme;
import org.quantbench.tensor.DType;
import org.quantbench.workbench.memory.WeightFormat.Granularity;
import org.quantbench.workbench.memory.WeightFormat.ScaledCodes;

import java.util.List;
import java.util.Locale;

/**
 * The storage format of each scheme, in the layout of the checkpoints it is exchanged as: compressed-tensors for
 * RTN, AutoRound, W8A8 and FP8 (16-bit scales; zero points only when asymmetric), AutoGPTQ for GPTQ (zero points
 * always, plus g_idx), AutoAWQ for AWQ, bitsandbytes for NF4, the AQLM format, and GGUF for llama.cpp types.
 */
public final class WeightFormats {
    public static final WeightFormat FP32 = new WeightFormat.Dense("FP32", 32);
    public static final WeightFormat FP16 = new WeightFormat.Dense("FP16", 16);
    public static final WeightFormat BF16 = new WeightFormat.Dense("BF16", 16);

    /** The formats a memory table shows unless the user picks others, from widest to narrowest. */
    public static final List<String> STANDARD = List.of("BF16", "FP8-dynamic", "W8A8-INT", "W4A16-GPTQ-g128-sym",
            "W4A16-AWQ-g128-asym", "NF4", "NF4-DQ", "Q8_0", "Q4_K", "AQLM-1x16", "AQLM-2x8");

    private static final int SCALE_BITS = 16;

    private WeightFormats() {}

    /** A scheme name ({@link SchemeNames#parse}), FP32, FP16, BF16, or a GGUF block type such as Q4_K or Q6_K. */
    public static WeightFormat parse(String name) {
        String n = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
        switch (n) {
            case "FP32", "F32" -> {
                return FP32;
            }
            case "FP16", "F16" -> {
                return FP16;
            }
            case "BF16" -> {
                return BF16;
            }
            case "Q4_K", "Q6_K" -> {
                return new WeightFormat.GgufType(DType.valueOf(n));
            }
            default -> {
                return of(SchemeNames.parse(name));
            }
        }
    }

    public static WeightFormat of(Scheme scheme) {
        return switch (scheme) {
            case IntWeightScheme s -> intWeights(s);
            case W8A8IntScheme s -> new ScaledCodes(s.name(), 8, Granularity.CHANNEL, 0, SCALE_BITS, 0, 0);
            case Fp8Scheme s -> new ScaledCodes(s.name(), 8, s.perChannel() ? Granularity.CHANNEL : Granularity.TENSOR,
                    0, SCALE_BITS, 0, 0);
            case Nf4Scheme s -> new WeightFormat.Nf4(s.doubleQuant());
            case AqlmScheme s -> new WeightFormat.Aqlm(s.codebooks(), s.codebookBits(), 8);
            case GgmlScheme s -> new WeightFormat.GgufType(s.type());
        };
    }

    private static WeightFormat intWeights(IntWeightScheme s) {
        Granularity g = s.perChannel() ? Granularity.CHANNEL : Granularity.GROUP;
        return switch (s.method()) {
            // AutoGPTQ keeps qzeros even for symmetric models, and g_idx as int32 per input column.
            case GPTQ -> new ScaledCodes(s.name(), s.bits(), g, s.groupSize(), SCALE_BITS, s.bits(), 32);
            default -> new ScaledCodes(s.name(), s.bits(), g, s.groupSize(), SCALE_BITS, s.symmetric() ? 0 : s.bits(), 0);
        };
    }
}
