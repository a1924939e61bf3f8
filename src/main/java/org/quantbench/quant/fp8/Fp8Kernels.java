package org.quantbench.quant.fp8;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector kernels over FP8 E4M3 codes stored one byte per weight, row-major. Codes are widened by bit manipulation
 * ({@link Fp8E4M3#decodeBits}): byte to int, the 7 magnitude bits shifted into a float's exponent/mantissa fields
 * beside the sign, one multiply by 2^120 to rebias. That beats a 256-entry gather, which the Vector API can only
 * take from an index array in memory. Every value equals {@link Fp8E4M3#decode} for non-NaN codes.
 */
final class Fp8Kernels {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    /** L codes are one byte vector of L*8 bits; there is no 32-bit one, so 4-lane species take the tile path. */
    static final boolean FUSED = VectorSupport.enabled() && L >= 8;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Fp8Kernels() {}

    /** The L codes at {@code at}, widened. */
    private static FloatVector decode(MemorySegment codes, long at) {
        IntVector wide = (IntVector) ByteVector.fromMemorySegment(B, codes, at, LE).convertShape(VectorOperators.B2I, I, 0);
        return wide.lanewise(VectorOperators.LSHL, 20).and(0x87F0_0000).reinterpretAsFloats().mul(0x1p120f);
    }

    private static float decodeScalar(MemorySegment codes, long at) {
        return Fp8E4M3.decode(codes.get(ValueLayout.JAVA_BYTE, at));
    }

    private static final int MIN_NORMAL_BITS = 0x3C80_0000;
    private static final int MAX_BITS = 0x43E0_0000;
    private static final float SUBNORMAL_MAGIC = 0x1p14f;

    /** The largest magnitude of {@code x[off..off+n)} (NaN if one is NaN); max is exact, so lane order is irrelevant. */
    static float amax(float[] x, int off, int n) {
        int i = 0;
        float m = 0f;
        if (VectorSupport.enabled()) {
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(n); i < bound; i += L) {
                acc = acc.max(FloatVector.fromArray(S, x, off + i).abs());
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, Math.abs(x[off + i]));
        }
        return m;
    }

    /**
     * {@code dst[dstOff + i] = Fp8E4M3.round(src[srcOff + i] / s)} for {@code i < n}: the dynamic activation cast,
     * as values. Lane-wise it is the same arithmetic as the scalar {@link Fp8E4M3#round}, with blends for its branches.
     */
    static void roundQuotients(float[] src, int srcOff, float s, float[] dst, int dstOff, int n) {
        int i = 0;
        if (VectorSupport.enabled()) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector q = FloatVector.fromArray(S, src, srcOff + i).div(s);
                IntVector bits = q.reinterpretAsInts();
                IntVector abs = bits.and(0x7FFF_FFFF);
                IntVector normal = abs.add(abs.lanewise(VectorOperators.LSHR, 20).and(1)).add(0x7_FFFF).and(0xFFF0_0000)
                        .min(MAX_BITS);
                IntVector subnormal = abs.reinterpretAsFloats().add(SUBNORMAL_MAGIC).sub(SUBNORMAL_MAGIC).reinterpretAsInts();
                IntVector rounded = normal.blend(subnormal, abs.lt(MIN_NORMAL_BITS))
                        .blend(MAX_BITS, abs.compare(VectorOperators.GE, MAX_BITS))
                        .or(bits.and(0x8000_0000));
                rounded.blend(bits, abs.compare(VectorOperators.GT, 0x7F80_0000)).reinterpretAsFloats().intoArray(dst, dstOff + i);
            }
        }
        for (; i < n; i++) {
            dst[dstOff + i] = Fp8E4M3.round(src[srcOff + i] / s);
        }
    }

    /** {@code dst[dstOff + i] = decode(codes[at + i])} for {@code i < len}. */
    static void decodeRun(MemorySegment codes, long at, int len, float[] dst, int dstOff) {
        int i = 0;
        if (FUSED) {
            for (int bound = S.loopBound(len); i < bound; i += L) {
                decode(codes, at + i).intoArray(dst, dstOff + i);
            }
        }
        for (; i < len; i++) {
            dst[dstOff + i] = decodeScalar(codes, at + i);
        }
    }

    /**
     * {@code out[o0 + r] = dot(decode(row o0 + r), x)} for {@code r < n} in the canonical order of
     * {@link MatmulKernels}, four rows in flight. Only when {@link #FUSED}.
     */
    static void gemv(MemorySegment codes, int cols, int o0, int n, float[] x, float[] out) {
        int r = 0;
        for (; r + 4 <= n; r += 4) {
            rows4(codes, (long) (o0 + r) * cols, cols, x, out, o0 + r);
        }
        for (; r < n; r++) {
            out[o0 + r] = row(codes, (long) (o0 + r) * cols, cols, x);
        }
    }

    private static void rows4(MemorySegment codes, long at, int cols, float[] x, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(cols);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            long p = at + i;
            a0 = decode(codes, p).fma(xv, a0);
            a1 = decode(codes, p + cols).fma(xv, a1);
            a2 = decode(codes, p + 2L * cols).fma(xv, a2);
            a3 = decode(codes, p + 3L * cols).fma(xv, a3);
        }
        out[o] = finish(a0, codes, at, cols, x, bound);
        out[o + 1] = finish(a1, codes, at + cols, cols, x, bound);
        out[o + 2] = finish(a2, codes, at + 2L * cols, cols, x, bound);
        out[o + 3] = finish(a3, codes, at + 3L * cols, cols, x, bound);
    }

    private static float row(MemorySegment codes, long at, int cols, float[] x) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(cols);
        for (int i = 0; i < bound; i += L) {
            acc = decode(codes, at + i).fma(FloatVector.fromArray(S, x, i), acc);
        }
        return finish(acc, codes, at, cols, x, bound);
    }

    private static float finish(FloatVector acc, MemorySegment codes, long at, int cols, float[] x, int bound) {
        float s = MatmulKernels.sumLanes(acc);
        for (int i = bound; i < cols; i++) {
            s += decodeScalar(codes, at + i) * x[i];
        }
        return s;
    }
}
