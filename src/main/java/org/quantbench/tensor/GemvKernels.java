package org.quantbench.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Matrix-vector products straight from mapped F32 or BF16 rows, for decoding one token: no tile copy, four rows
 * in flight, the whole row in one pass (the K-blocking of the GEMM does not change the canonical order). The summation order is {@link MatmulKernels}' canonical one, so the results equal the GEMM path's
 * bit for bit.
 */
public final class GemvKernels {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    private static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, S.vectorBitSize() / 2)));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private GemvKernels() {}

    /** Whether this class has a direct kernel for the type (else callers widen rows into a tile). */
    public static boolean supports(DType type) {
        return VectorSupport.enabled() && (type == DType.F32 || type == DType.BF16);
    }

    /** {@code out[o0 + r] = dot(row o0 + r, x)} for {@code r < rows}; rows start at {@code o0 * rowBytes}. */
    public static void gemv(DType type, MemorySegment w, long rowBytes, int o0, int rows, float[] x, int cols, float[] out) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            long base = (o0 + r) * rowBytes;
            if (type == DType.F32) {
                f32x4(w, base, rowBytes, x, cols, out, o0 + r);
            } else {
                bf16x4(w, base, rowBytes, x, cols, out, o0 + r);
            }
        }
        for (; r < rows; r++) {
            long base = (o0 + r) * rowBytes;
            out[o0 + r] = type == DType.F32 ? f32Row(w, base, x, cols) : bf16Row(w, base, x, cols);
        }
    }

    private static void f32x4(MemorySegment w, long at, long stride, float[] x, int len, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            long p = at + 4L * i;
            a0 = FloatVector.fromMemorySegment(S, w, p, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(S, w, p + stride, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(S, w, p + 2 * stride, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(S, w, p + 3 * stride, LE).fma(xv, a3);
        }
        out[o] = finishF32(a0, w, at, x, bound, len);
        out[o + 1] = finishF32(a1, w, at + stride, x, bound, len);
        out[o + 2] = finishF32(a2, w, at + 2 * stride, x, bound, len);
        out[o + 3] = finishF32(a3, w, at + 3 * stride, x, bound, len);
    }

    private static float finishF32(FloatVector acc, MemorySegment w, long at, float[] x, int bound, int len) {
        float s = MatmulKernels.sumLanes(acc);
        for (int i = bound; i < len; i++) {
            s += w.get(RowDecoders.F32_LE, at + 4L * i) * x[i];
        }
        return s;
    }

    private static float f32Row(MemorySegment w, long at, float[] x, int len) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            acc = FloatVector.fromMemorySegment(S, w, at + 4L * i, LE).fma(FloatVector.fromArray(S, x, i), acc);
        }
        return finishF32(acc, w, at, x, bound, len);
    }

    /**
     * Widens {@code len} BF16 values at byte {@code at} into {@code dst}: the vector twin of
     * {@link RowDecoders#bf16ToFloat}, for the GEMM's tile decoding (bit-identical, it is a shift).
     */
    public static void widenBf16(MemorySegment w, long at, float[] dst, int dstOff, int len) {
        int i = 0;
        if (VectorSupport.enabled()) {
            for (int bound = S.loopBound(len); i < bound; i += L) {
                bf16(w, at + 2L * i).intoArray(dst, dstOff + i);
            }
        }
        for (; i < len; i++) {
            dst[dstOff + i] = RowDecoders.bf16ToFloat(w.get(RowDecoders.I16_LE, at + 2L * i));
        }
    }

    /** BF16 is the top half of an F32: widen by a 16-bit left shift. */
    private static FloatVector bf16(MemorySegment w, long at) {
        return ((IntVector) ShortVector.fromMemorySegment(SH, w, at, LE).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static void bf16x4(MemorySegment w, long at, long stride, float[] x, int len, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            long p = at + 2L * i;
            a0 = bf16(w, p).fma(xv, a0);
            a1 = bf16(w, p + stride).fma(xv, a1);
            a2 = bf16(w, p + 2 * stride).fma(xv, a2);
            a3 = bf16(w, p + 3 * stride).fma(xv, a3);
        }
        out[o] = finishBf16(a0, w, at, x, bound, len);
        out[o + 1] = finishBf16(a1, w, at + stride, x, bound, len);
        out[o + 2] = finishBf16(a2, w, at + 2 * stride, x, bound, len);
        out[o + 3] = finishBf16(a3, w, at + 3 * stride, x, bound, len);
    }

    private static float finishBf16(FloatVector acc, MemorySegment w, long at, float[] x, int bound, int len) {
        float s = MatmulKernels.sumLanes(acc);
        for (int i = bound; i < len; i++) {
            s += RowDecoders.bf16ToFloat(w.get(RowDecoders.I16_LE, at + 2L * i)) * x[i];
        }
        return s;
    }

    private static float bf16Row(MemorySegment w, long at, float[] x, int len) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            acc = bf16(w, at + 2L * i).fma(FloatVector.fromArray(S, x, i), acc);
        }
        return finishBf16(acc, w, at, x, bound, len);
    }
}
