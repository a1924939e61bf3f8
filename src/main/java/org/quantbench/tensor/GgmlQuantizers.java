package org.quantbench.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * llama.cpp's reference quantizers (quantize_row_*_ref) for the 32-weight block formats, rounding exactly as
 * ggml does so that exported files are byte-identical to llama.cpp's. As in ggml, the reciprocal scale comes from
 * the float scale, not from its fp16 rounding that is stored. Each method encodes {@code count} floats (a multiple
 * of 32) into {@code count / 32} blocks at {@code dst[dstOffset..]}.
 */
public final class GgmlQuantizers {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int QK = 32;

    private GgmlQuantizers() {}

    /** Q8_0: d = amax / 127, q = roundf(x / d) with halves away from zero. */
    public static void quantizeQ8_0(float[] src, int srcOff, int count, MemorySegment dst, long dstOffset) {
        int blocks = blocks(DType.Q8_0, count);
        for (int b = 0; b < blocks; b++) {
            int in = srcOff + b * QK;
            long at = dstOffset + (long) b * DType.Q8_0.blockBytes();
            float amax = 0;
            for (int j = 0; j < QK; j++) {
                amax = Math.max(amax, Math.abs(src[in + j]));
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(I16, at, Float.floatToFloat16(d));
            for (int j = 0; j < QK; j++) {
                dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) roundHalfAway(src[in + j] * id));
            }
        }
    }

    /**
     * Q4_0: d = max / -8 where max is the signed value of largest magnitude (the first one on ties), so that
     * value maps exactly to q = 0; q = min(15, trunc(x / d + 8.5)).
     */
    public static void quantizeQ4_0(float[] src, int srcOff, int count, MemorySegment dst, long dstOffset) {
        int blocks = blocks(DType.Q4_0, count);
        for (int b = 0; b < blocks; b++) {
            int in = srcOff + b * QK;
            long at = dstOffset + (long) b * DType.Q4_0.blockBytes();
            float amax = 0;
            float max = 0;
            for (int j = 0; j < QK; j++) {
                float v = src[in + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(I16, at, Float.floatToFloat16(d));
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(15, (int) (src[in + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (src[in + j + QK / 2] * id + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (q0 | (q1 << 4)));
            }
        }
    }

    /** Q4_1: d = (max - min) / 15, m = min, q = min(15, trunc((x - min) / d + 0.5)). */
    public static void quantizeQ4_1(float[] src, int srcOff, int count, MemorySegment dst, long dstOffset) {
        int blocks = blocks(DType.Q4_1, count);
        for (int b = 0; b < blocks; b++) {
            int in = srcOff + b * QK;
            long at = dstOffset + (long) b * DType.Q4_1.blockBytes();
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[in + j];
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            float d = (max - min) / 15;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(I16, at, Float.floatToFloat16(d));
            dst.set(I16, at + 2, Float.floatToFloat16(min));
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(15, (int) ((src[in + j] - min) * id + 0.5f));
                int q1 = Math.min(15, (int) ((src[in + j + QK / 2] - min) * id + 0.5f));
                dst.set(ValueLayout.JAVA_BYTE, at + 4 + j, (byte) (q0 | (q1 << 4)));
            }
        }
    }

    /** C's roundf: halves go away from zero (Math.round sends -2.5 to -2). */
    static int roundHalfAway(float x) {
        float a = Math.abs(x);
        float whole = (float) Math.floor(a);
        if (a - whole >= 0.5f) {
            whole += 1;
        }
        return (int) Math.copySign(whole, x);
    }

    private static int blocks(DType type, int count) {
        if (count < 0 || count % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " encodes whole blocks of " + type.blockSize() + ", got " + count);
        }
        return count / type.blockSize();
    }
}
