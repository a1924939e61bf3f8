package org.quantbench.quant.ggml;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.VectorSupport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * Widens whole Q8_0 / Q4_0 / Q4_1 blocks to float with the Vector API, giving exactly the floats of
 * {@link org.quantbench.tensor.GgmlBlocks}. Used for the GEMM's weight tiles and for GEMV rows outside the fused
 * kernels; with vectors off or narrower than 256 bits it defers to the scalar reference.
 * <p>
 * Exactness: a quant times a scale never rounds (at most 8 bits times fp16's 11 significant bits fits a float's
 * 24, and fp16's range sits far inside float's), so {@code q * d} and {@code (q - 8) * d} are exact products and
 * Q4_1's {@code q * d + m} rounds only once, at the add: computing it as one FMA gives the reference's bits.
 * <p>
 * The loops call only the Vector API's force-inlined methods. C2 stops inlining ordinary methods once a
 * compilation has created about 18,000 IR nodes, each vector operation creates hundreds while it is parsed, and a
 * helper that is refused and returns a vector boxes it on every call (ten times slower).
 */
final class GgmlBlockDecoder {
    static final int QK = 32;
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    static final int L = S.length();
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    /** 16 packed bytes: the nibbles of one Q4 block, or half the quants of a Q8_0 block. */
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** 16 float lanes: a 32-weight block is two vectors, and a 16-entry table fits one. */
    static final boolean WIDE = VectorSupport.enabled() && L == 16;
    /** 8 float lanes: a block is four vectors. */
    static final boolean NARROW = VectorSupport.enabled() && L == 8;

    /**
     * The 16 nibble values as float lanes (only read when {@link #WIDE}): {@code q}, and {@code q - 8} for Q4_0. Scaled
     * once per block, they become the block's 16 possible weights, and each nibble picks its own with selectFrom
     * (which wraps indexes modulo 16, so the low nibble needs no mask). The scaling is the reference's own float
     * operation, so the picked values are exactly the reference's.
     */
    static final FloatVector CODES = FloatVector.fromArray(S, codes(0), 0);
    static final FloatVector CENTERED = FloatVector.fromArray(S, codes(-8), 0);
    /** With 8 lanes the tables take two vectors: these are their lanes 8..15. */
    static final FloatVector CODES_HIGH = FloatVector.fromArray(S, codes(0), 8);
    static final FloatVector CENTERED_HIGH = FloatVector.fromArray(S, codes(-8), 8);

    private GgmlBlockDecoder() {}

    private static float[] codes(int offset) {
        float[] v = new float[Math.max(16, 8 + L)];
        for (int i = 0; i < 16; i++) {
            v[i] = i + offset;
        }
        return v;
    }

    /**
     * Widens {@code count} weights (whole blocks) of {@code type} into {@code dst[off..]}: the first block at byte
     * {@code at}, each next one {@code stride} bytes further ({@link org.quantbench.quant.RowInterleave#chunkStride}).
     */
    static void decode(DType type, MemorySegment w, long at, long stride, float[] dst, int off, int count) {
        int blocks = count / QK;
        if (WIDE) {
            switch (type) {
                case Q8_0 -> q8_0w16(w, at, stride, dst, off, blocks);
                case Q4_0 -> q4_0w16(w, at, stride, dst, off, blocks);
                case Q4_1 -> q4_1w16(w, at, stride, dst, off, blocks);
                default -> throw new IllegalArgumentException("not a ggml 32-weight block type: " + type);
            }
        } else if (NARROW) {
            switch (type) {
                case Q8_0 -> q8_0w8(w, at, stride, dst, off, blocks);
                case Q4_0 -> q4_0w8(w, at, stride, dst, off, blocks);
                case Q4_1 -> q4_1w8(w, at, stride, dst, off, blocks);
                default -> throw new IllegalArgumentException("not a ggml 32-weight block type: " + type);
            }
        } else {
            for (int b = 0; b < blocks; b++) {
                RowDecoders.decode(type, w, at + stride * b, dst, off + QK * b, QK);
            }
        }
    }

    private static void q8_0w16(MemorySegment w, long at, long stride, float[] dst, int off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long p = at + stride * b;
            float d = Float.float16ToFloat(w.get(F16, p));
            ((FloatVector) ByteVector.fromMemorySegment(B16, w, p + 2, LE).convertShape(B2F, S, 0)).mul(d).intoArray(dst, off + QK * b);
            ((FloatVector) ByteVector.fromMemorySegment(B16, w, p + 18, LE).convertShape(B2F, S, 0)).mul(d).intoArray(dst, off + QK * b + 16);
        }
    }

    private static void q4_0w16(MemorySegment w, long at, long stride, float[] dst, int off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long p = at + stride * b;
            IntVector table = CENTERED.mul(Float.float16ToFloat(w.get(F16, p))).reinterpretAsInts();
            IntVector q = (IntVector) ByteVector.fromMemorySegment(B16, w, p + 2, LE).convertShape(B2I, I, 0);
            q.selectFrom(table).reinterpretAsFloats().intoArray(dst, off + QK * b);
            q.lanewise(LSHR, 4).selectFrom(table).reinterpretAsFloats().intoArray(dst, off + QK * b + 16);
        }
    }

    private static void q4_1w16(MemorySegment w, long at, long stride, float[] dst, int off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long p = at + stride * b;
            IntVector table = CODES.fma(Float.float16ToFloat(w.get(F16, p)), Float.float16ToFloat(w.get(F16, p + 2))).reinterpretAsInts();
            IntVector q = (IntVector) ByteVector.fromMemorySegment(B16, w, p + 4, LE).convertShape(B2I, I, 0);
            q.selectFrom(table).reinterpretAsFloats().intoArray(dst, off + QK * b);
            q.lanewise(LSHR, 4).selectFrom(table).reinterpretAsFloats().intoArray(dst, off + QK * b + 16);
        }
    }

    // 8 lanes: parts 0 and 1 of a 16-byte load are its bytes 0..7 and 8..15; Q4 low nibbles are elements 0..15.

    private static void q8_0w8(MemorySegment w, long at, long stride, float[] dst, int off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long p = at + stride * b;
            int o = off + QK * b;
            float d = Float.float16ToFloat(w.get(F16, p));
            ByteVector lo = ByteVector.fromMemorySegment(B16, w, p + 2, LE);
            ByteVector hi = ByteVector.fromMemorySegment(B16, w, p + 18, LE);
            ((FloatVector) lo.convertShape(B2F, S, 0)).mul(d).intoArray(dst, o);
            ((FloatVector) lo.convertShape(B2F, S, 1)).mul(d).intoArray(dst, o + 8);
            ((FloatVector) hi.convertShape(B2F, S, 0)).mul(d).intoArray(dst, o + 16);
            ((FloatVector) hi.convertShape(B2F, S, 1)).mul(d).intoArray(dst, o + 24);
        }
    }

    private static void q4_0w8(MemorySegment w, long at, long stride, float[] dst, int off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long p = at + stride * b;
            int o = off + QK * b;
            float d = Float.float16ToFloat(w.get(F16, p));
            ByteVector packed = ByteVector.fromMemorySegment(B16, w, p + 2, LE);
            IntVector q0 = (IntVector) packed.convertShape(B2I, I, 0);
            IntVector q1 = (IntVector) packed.convertShape(B2I, I, 1);
            ((FloatVector) q0.and(0xF).sub(8).convert(I2F, 0)).mul(d).intoArray(dst, o);
            ((FloatVector) q1.and(0xF).sub(8).convert(I2F, 0)).mul(d).intoArray(dst, o + 8);
            ((FloatVector) q0.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0)).mul(d).intoArray(dst, o + 16);
            ((FloatVector) q1.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0)).mul(d).intoArray(dst, o + 24);
        }
    }

    private static void q4_1w8(MemorySegment w, long at, long stride, float[] dst, int off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long p = at + stride * b;
            int o = off + QK * b;
            float d = Float.float16ToFloat(w.get(F16, p));
            float m = Float.float16ToFloat(w.get(F16, p + 2));
            ByteVector packed = ByteVector.fromMemorySegment(B16, w, p + 4, LE);
            IntVector q0 = (IntVector) packed.convertShape(B2I, I, 0);
            IntVector q1 = (IntVector) packed.convertShape(B2I, I, 1);
            ((FloatVector) q0.and(0xF).convert(I2F, 0)).fma(d, m).intoArray(dst, o);
            ((FloatVector) q1.and(0xF).convert(I2F, 0)).fma(d, m).intoArray(dst, o + 8);
            ((FloatVector) q0.lanewise(LSHR, 4).and(0xF).convert(I2F, 0)).fma(d, m).intoArray(dst, o + 16);
            ((FloatVector) q1.lanewise(LSHR, 4).and(0xF).convert(I2F, 0)).fma(d, m).intoArray(dst, o + 24);
        }
    }
}
