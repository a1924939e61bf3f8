package org.quantbench.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * llama.cpp's block formats, widened to float exactly as ggml's dequantize_row_* does: the same float operations
 * in the same order, so results match bit for bit. {@code count} must be a multiple of the block size; the
 * caller guarantees that the segment holds the blocks.
 */
public final class GgmlBlocks {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int QK = 32;
    private static final int QK_K = 256;

    private GgmlBlocks() {}

    /** Q8_0: fp16 d, 32 int8 q; x = q * d. */
    public static void decodeQ8_0(MemorySegment src, long offset, float[] dst, int dstOff, int count) {
        int blocks = blocks(DType.Q8_0, count);
        for (int b = 0; b < blocks; b++) {
            long at = offset + (long) b * DType.Q8_0.blockBytes();
            float d = fp16(src, at);
            int out = dstOff + b * QK;
            for (int j = 0; j < QK; j++) {
                dst[out + j] = src.get(ValueLayout.JAVA_BYTE, at + 2 + j) * d;
            }
        }
    }

    /** Q4_0: fp16 d, 16 bytes of nibbles (low = element j, high = element j + 16); x = (q - 8) * d. */
    public static void decodeQ4_0(MemorySegment src, long offset, float[] dst, int dstOff, int count) {
        int blocks = blocks(DType.Q4_0, count);
        for (int b = 0; b < blocks; b++) {
            long at = offset + (long) b * DType.Q4_0.blockBytes();
            float d = fp16(src, at);
            int out = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int packed = u8(src, at + 2 + j);
                dst[out + j] = ((packed & 0xF) - 8) * d;
                dst[out + j + QK / 2] = ((packed >>> 4) - 8) * d;
            }
        }
    }

    /** Q4_1: fp16 d, fp16 m, 16 bytes of nibbles in Q4_0's order; x = q * d + m. */
    public static void decodeQ4_1(MemorySegment src, long offset, float[] dst, int dstOff, int count) {
        int blocks = blocks(DType.Q4_1, count);
        for (int b = 0; b < blocks; b++) {
            long at = offset + (long) b * DType.Q4_1.blockBytes();
            float d = fp16(src, at);
            float m = fp16(src, at + 2);
            int out = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int packed = u8(src, at + 4 + j);
                dst[out + j] = (packed & 0xF) * d + m;
                dst[out + j + QK / 2] = (packed >>> 4) * d + m;
            }
        }
    }

    /**
     * Q4_K: fp16 d, fp16 dmin, 12 bytes packing eight 6-bit (scale, min) pairs, 128 bytes of nibbles. Each 64
     * weights share 32 bytes: low nibbles are the first sub-block of 32, high nibbles the second;
     * x = d * scale * q - dmin * min.
     */
    public static void decodeQ4_K(MemorySegment src, long offset, float[] dst, int dstOff, int count) {
        int blocks = blocks(DType.Q4_K, count);
        for (int b = 0; b < blocks; b++) {
            long at = offset + (long) b * DType.Q4_K.blockBytes();
            float d = fp16(src, at);
            float dmin = fp16(src, at + 2);
            long scales = at + 4;
            long qs = at + 16;
            int out = dstOff + b * QK_K;
            for (int group = 0; group < 4; group++) {
                int sub = 2 * group;
                float d1 = d * scaleK4(src, scales, sub);
                float m1 = dmin * minK4(src, scales, sub);
                float d2 = d * scaleK4(src, scales, sub + 1);
                float m2 = dmin * minK4(src, scales, sub + 1);
                long q = qs + 32L * group;
                int y = out + 64 * group;
                for (int l = 0; l < 32; l++) {
                    int packed = u8(src, q + l);
                    dst[y + l] = d1 * (packed & 0xF) - m1;
                    dst[y + 32 + l] = d2 * (packed >>> 4) - m2;
                }
            }
        }
    }

    /**
     * Q6_K: 128 bytes of low nibbles, 64 bytes of 2-bit high parts, 16 int8 scales (one per 16 weights), fp16 d;
     * x = d * scale * (q - 32). Each half of 128 weights takes 64 ql bytes, 32 qh bytes and 8 scales.
     */
    public static void decodeQ6_K(MemorySegment src, long offset, float[] dst, int dstOff, int count) {
        int blocks = blocks(DType.Q6_K, count);
        for (int b = 0; b < blocks; b++) {
            long at = offset + (long) b * DType.Q6_K.blockBytes();
            float d = fp16(src, at + 208);
            for (int half = 0; half < 2; half++) {
                long ql = at + 64L * half;
                long qh = at + 128 + 32L * half;
                long sc = at + 192 + 8L * half;
                int y = dstOff + b * QK_K + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int low0 = u8(src, ql + l);
                    int low1 = u8(src, ql + l + 32);
                    int high = u8(src, qh + l);
                    int q1 = ((low0 & 0xF) | ((high & 3) << 4)) - 32;
                    int q2 = ((low1 & 0xF) | (((high >>> 2) & 3) << 4)) - 32;
                    int q3 = ((low0 >>> 4) | (((high >>> 4) & 3) << 4)) - 32;
                    int q4 = ((low1 >>> 4) | (((high >>> 6) & 3) << 4)) - 32;
                    dst[y + l] = d * i8(src, sc + is) * q1;
                    dst[y + l + 32] = d * i8(src, sc + is + 2) * q2;
                    dst[y + l + 64] = d * i8(src, sc + is + 4) * q3;
                    dst[y + l + 96] = d * i8(src, sc + is + 6) * q4;
                }
            }
        }
    }

    /** Scale of sub-block j (0..7): low 6 bits of byte j for j < 4, else a nibble of byte j+4 plus 2 spare bits. */
    static int scaleK4(MemorySegment src, long scales, int j) {
        if (j < 4) {
            return u8(src, scales + j) & 63;
        }
        return (u8(src, scales + j + 4) & 0xF) | ((u8(src, scales + j - 4) >>> 6) << 4);
    }

    /** Min of sub-block j (0..7), packed like the scales but from bytes 4..7 and the high nibbles of 8..11. */
    static int minK4(MemorySegment src, long scales, int j) {
        if (j < 4) {
            return u8(src, scales + j + 4) & 63;
        }
        return (u8(src, scales + j + 4) >>> 4) | ((u8(src, scales + j) >>> 6) << 4);
    }

    private static int blocks(DType type, int count) {
        if (count < 0 || count % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " decodes whole blocks of " + type.blockSize() + ", got " + count);
        }
        return count / type.blockSize();
    }

    private static float fp16(MemorySegment src, long at) {
        return Float.float16ToFloat(src.get(I16, at));
    }

    private static int u8(MemorySegment src, long at) {
        return src.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    private static int i8(MemorySegment src, long at) {
        return src.get(ValueLayout.JAVA_BYTE, at);
    }
}
