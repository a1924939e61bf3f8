package org.quantbench.model.gguf;

import org.quantbench.tensor.DType;

import java.util.Map;
import java.util.Optional;

/** ggml's tensor type ids as GGUF stores them, and which of them QuantBench can decode. */
public final class GgmlType {
    private static final Map<DType, Integer> IDS = Map.of(
            DType.F32, 0, DType.F16, 1, DType.Q4_0, 2, DType.Q4_1, 3,
            DType.Q8_0, 8, DType.Q4_K, 12, DType.Q6_K, 14, DType.BF16, 30);

    /** Names of ggml ids for error messages, including the types QuantBench cannot decode; gaps are retired ids. */
    private static final String[] NAMES = {
        "F32", "F16", "Q4_0", "Q4_1", null, null, "Q5_0", "Q5_1", "Q8_0", "Q8_1",
        "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S",
        "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M",
        "BF16", null, null, null, "TQ1_0", "TQ2_0", null, null, null, "MXFP4",
        "NVFP4", "Q1_0"};

    private GgmlType() {}

    public static int id(DType type) {
        return IDS.get(type);
    }

    /** The dtype stored under this id, or empty when QuantBench cannot decode it (or the id is unknown). */
    public static Optional<DType> dtype(long id) {
        for (Map.Entry<DType, Integer> e : IDS.entrySet()) {
            if (e.getValue() == id) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** "Q5_K (id 13)", or "unknown type id 77". */
    public static String describe(long id) {
        if (id >= 0 && id < NAMES.length && NAMES[(int) id] != null) {
            return NAMES[(int) id] + " (id " + id + ")";
        }
        return "unknown type id " + id;
    }
}
