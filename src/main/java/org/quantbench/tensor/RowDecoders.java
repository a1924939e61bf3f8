package org.quantbench.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Scalar reference widening of one stored row to float, per dtype. Kernels are tested against these. */
public final class RowDecoders {
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED;

    private RowDecoders() {}

    public static void decode(DType type, MemorySegment src, long offset, float[] dst, int dstOff, int count) {
        switch (type) {
            case F32 -> MemorySegment.copy(src, F32_LE, offset, dst, dstOff, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOff + i] = Float.float16ToFloat(src.get(I16_LE, offset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOff + i] = bf16ToFloat(src.get(I16_LE, offset + 2L * i));
                }
            }
            case Q8_0 -> GgmlBlocks.decodeQ8_0(src, offset, dst, dstOff, count);
            case Q4_0 -> GgmlBlocks.decodeQ4_0(src, offset, dst, dstOff, count);
            case Q4_1 -> GgmlBlocks.decodeQ4_1(src, offset, dst, dstOff, count);
            case Q4_K -> GgmlBlocks.decodeQ4_K(src, offset, dst, dstOff, count);
            case Q6_K -> GgmlBlocks.decodeQ6_K(src, offset, dst, dstOff, count);
        }
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even, NaN kept quiet: the conversion PyTorch and safetensors writers use. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
