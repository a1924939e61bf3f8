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
 * in flight. The summation order is {@link MatmulKernels}' canonical one, so the results equal the GEMM path's
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
            for (int kb = 0; kb < cols; kb += MatmulKernels.K_BLOCK) {
                int len = Math.min(MatmulKernels.K_BLOCK, cols - kb);
                if (type == DType.F32) {
                    f32x4(w, base + 4L * kb, rowBytes, x, kb, len, out, o0 + r, kb == 0);
                } else {
                    bf16x4(w, base + 2L * kb, rowBytes, x, kb, len, out, o0 + r, kb == 0);
                }
            }
        }
        for (; r < rows; r++) {
            long base = (o0 + r) * rowBytes;
            float total = 0f;
            for (int kb = 0; kb < cols; kb += MatmulKernels.K_BLOCK) {
                int len = Math.min(MatmulKernels.K_BLOCK, cols - kb);
                total += type == DType.F32 ? f32Block(w, base + 4L * kb, x, kb, len) : bf16Block(w, base + 2L * kb, x, kb, len);
            }
            out[o0 + r] = total;
        }
    }

    private static void f32x4(MemorySegment w, long at, long stride, float[] x, int xOff, int len,
                              float[] out, int o, boolean first) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
            long p = at + 4L * i;
            a0 = FloatVector.fromMemorySegment(S, w, p, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(S, w, p + stride, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(S, w, p + 2 * stride, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(S, w, p + 3 * stride, LE).fma(xv, a3);
        }
        finishF32(a0, w, at, x, xOff, bound, len, out, o, first);
        finishF32(a1, w, at + stride, x, xOff, bound, len, out, o + 1, first);
        finishF32(a2, w, at + 2 * stride, x, xOff, bound, len, out, o + 2, first);
        finishF32(a3, w, at + 3 * stride, x, xOff, bound, len, out, o + 3, first);
    }

    private static void finishF32(FloatVector acc, MemorySegment w, long at, float[] x, int xOff, int bound, int len,
                                  float[] out, int o, boolean first) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < len; i++) {
            s += w.get(RowDecoders.F32_LE, at + 4L * i) * x[xOff + i];
        }
        out[o] = first ? s : out[o] + s;
    }

    private static float f32Block(MemorySegment w, long at, float[] x, int xOff, int len) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            acc = FloatVector.fromMemorySegment(S, w, at + 4L * i, LE).fma(FloatVector.fromArray(S, x, xOff + i), acc);
        }
        float[] s = {0f};
        finishF32(acc, w, at, x, xOff, bound, len, s, 0, true);
        return s[0];
    }

    /** BF16 is the top half of an F32: widen by a 16-bit left shift. */
    private static FloatVector bf16(MemorySegment w, long at) {
        return ((IntVector) ShortVector.fromMemorySegment(SH, w, at, LE).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static void bf16x4(MemorySegment w, long at, long stride, float[] x, int xOff, int len,
                               float[] out, int o, boolean first) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
            long p = at + 2L * i;
            a0 = bf16(w, p).fma(xv, a0);
            a1 = bf16(w, p + stride).fma(xv, a1);
            a2 = bf16(w, p + 2 * stride).fma(xv, a2);
            a3 = bf16(w, p + 3 * stride).fma(xv, a3);
        }
        finishBf16(a0, w, at, x, xOff, bound, len, out, o, first);
        finishBf16(a1, w, at + stride, x, xOff, bound, len, out, o + 1, first);
        finishBf16(a2, w, at + 2 * stride, x, xOff, bound, len, out, o + 2, first);
        finishBf16(a3, w, at + 3 * stride, x, xOff, bound, len, out, o + 3, first);
    }

    private static void finishBf16(FloatVector acc, MemorySegment w, long at, float[] x, int xOff, int bound, int len,
                                   float[] out, int o, boolean first) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < len; i++) {
            s += RowDecoders.bf16ToFloat(w.get(RowDecoders.I16_LE, at + 2L * i)) * x[xOff + i];
        }
        out[o] = first ? s : out[o] + s;
    }

    private static float bf16Block(MemorySegment w, long at, float[] x, int xOff, int len) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            acc = bf16(w, at + 2L * i).fma(FloatVector.fromArray(S, x, xOff + i), acc);
        }
        float[] s = {0f};
        finishBf16(acc, w, at, x, xOff, bound, len, s, 0, true);
        return s[0];
    }
}
