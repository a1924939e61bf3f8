package org.quantbench.model.safetensors;

import org.quantbench.tensor.DType;

import java.util.Optional;

/**
 * The element types a safetensors header may name, with their width in bits. Only F32, F16 and BF16 can be read as
 * {@link org.quantbench.tensor.WeightTensor}s; the others are parsed so that quantized checkpoints (int32-packed
 * GPTQ/compressed-tensors, FP8, bitsandbytes uint8) can be opened and read through raw bytes.
 */
public enum SafetensorsDType {
    BOOL(8),
    F4(4),
    F6_E2M3(6),
    F6_E3M2(6),
    U8(8),
    I8(8),
    F8_E5M2(8),
    F8_E4M3(8),
    F8_E8M0(8),
    I16(16),
    U16(16),
    F16(16),
    BF16(16),
    I32(32),
    U32(32),
    F32(32),
    C64(64),
    F64(64),
    I64(64),
    U64(64);

    private final int bits;

    SafetensorsDType(int bits) {
        this.bits = bits;
    }

    public int bits() { return bits; }

    /** The type named in a header, if it is one of these. */
    public static Optional<SafetensorsDType> byName(String name) {
        for (SafetensorsDType type : values()) {
            if (type.name().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** Bytes of {@code elements} values, or -1 when they do not fill whole bytes or overflow a long. */
    public long bytesFor(long elements) {
        if (elements < 0 || elements > Long.MAX_VALUE / bits) {
            return -1;
        }
        long totalBits = elements * bits;
        return totalBits % 8 == 0 ? totalBits / 8 : -1;
    }

    /** The tensor dtype for the types a weight can be widened from. */
    public Optional<DType> weightType() {
        return switch (this) {
            case F32 -> Optional.of(DType.F32);
            case F16 -> Optional.of(DType.F16);
            case BF16 -> Optional.of(DType.BF16);
            default -> Optional.empty();
        };
    }

    public static SafetensorsDType of(DType type) {
        return switch (type) {
            case F32 -> F32;
            case F16 -> F16;
            case BF16 -> BF16;
            default -> throw new IllegalArgumentException(type + " has no safetensors dtype");
        };
    }
}
