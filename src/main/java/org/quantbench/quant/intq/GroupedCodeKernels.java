package org.quantbench.quant.intq;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Vector kernels of {@link IntGroupedLinear}: the bytes holding L consecutive codes (L = float lanes) are loaded once,
 * spread to the L int lanes with a constant byte shuffle and masked in place, then dequantized to exactly the floats
 * of the scalar reference {@code s * (float) (q - z)}. The GEMV multiplies them into lane accumulators in
 * {@link MatmulKernels}' canonical order, two rows in flight (two FMA chains hide the latency; four made C2 stop
 * inlining, "NodeCountInliningCutoff", and box vectors); the tile decoder stores them for the shared GEMM. Scalar tails
 * are left to the caller.
 * <p>
 * Codes are not shifted down: lane p keeps its code {@code q} as {@code m = q * 2^sh} (sh = the code's bit offset in
 * its byte). OR-ing {@code 2^23}'s exponent bits onto m gives the float {@code 2^23 + m} for free; subtracting the
 * per-lane constant {@code 2^23 + z * 2^sh} leaves {@code (q - z) * 2^sh} exactly (integers below 2^23), and
 * multiplying by the per-lane scale {@code s * 2^-sh} rounds the exact product {@code s (q - z)} once, as the scalar
 * formula does. That needs {@code s * 2^-sh} exact, i.e. no scale between 0 and {@link #MIN_EXACT_SCALE}; layers
 * with such scales take the scalar paths. This saves the shift, the int subtraction and the int-to-float conversion.
 * <p>
 * Three unpackers, one kernel each so that no vector crosses a branch: whole bytes (8 bits), codes inside one byte
 * (2 and 4 bits) and codes that may straddle two bytes (3, 5, 6, 7 bits: a second shuffle brings the next byte).
 * Groups must start on a vector boundary (a group width that is a multiple of L, or one group per row), and L codes
 * must fill whole bytes. A load reads {@link #LOAD_BYTES} bytes from the first code's byte, so a row may take these
 * kernels only when that many bytes follow its end in the segment.
 */
final class GroupedCodeKernels {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int TWO_23_BITS = Float.floatToRawIntBits(0x1p23f);
    /** 2^sh and 2^-sh of whole bytes. */
    private static final FloatVector ONES = FloatVector.broadcast(S, 1f);

    /** Bytes one code load reads, starting at the byte of its first code. */
    static final int LOAD_BYTES = B.vectorByteSize();
    /** Smallest nonzero scale magnitude for which {@code s * 2^-7} is still a normal float (exact). */
    static final float MIN_EXACT_SCALE = 0x1p-119f;
    /** Rows the GEMV kernels take at once. */
    static final int ROWS = 2;

    private GroupedCodeKernels() {}

    /**
     * Whether the vector kernels handle {@code bits}-bit codes with groups of {@code groupCols} ({@code groups} per
     * row) and these scales.
     */
    static boolean supports(int bits, int groupCols, int groups, float[] scales) {
        if (!VectorSupport.enabled() || !(groups == 1 || groupCols % L == 0) || (L * bits) % 8 != 0) {
            return false;
        }
        for (float s : scales) {
            if (s != 0f && Math.abs(s) < MIN_EXACT_SCALE) {
                return false;
            }
        }
        return true;
    }

    /** The end of the full vectors of {@code n} columns. */
    static int vectorBound(int n) {
        return VectorSupport.enabled() ? S.loopBound(n) : 0;
    }

    /** Loop-invariant vectors of one code width: the byte shuffles and the per-lane mask, 2^sh and 2^-sh. */
    static final class Unpack {
        final int bits;
        final VectorShuffle<Byte> low;
        final VectorShuffle<Byte> high;
        final IntVector mask;
        final FloatVector pow;
        final FloatVector invPow;

        Unpack(int bits) {
            this.bits = bits;
            int[] lo = new int[B.length()];
            int[] hi = new int[B.length()];
            int[] mask = new int[L];
            float[] pow = new float[L];
            float[] inv = new float[L];
            for (int p = 0; p < L; p++) {
                lo[p] = (p * bits) >>> 3;
                hi[p] = lo[p] + 1;
                int sh = (p * bits) & 7;
                mask[p] = ((1 << bits) - 1) << sh;
                pow[p] = 1 << sh;
                inv[p] = 1f / (1 << sh);
            }
            this.low = VectorShuffle.fromArray(B, lo, 0);
            this.high = VectorShuffle.fromArray(B, hi, 0);
            this.mask = IntVector.fromArray(I, mask, 0);
            this.pow = FloatVector.fromArray(S, pow, 0);
            this.invPow = FloatVector.fromArray(S, inv, 0);
        }
    }

    /** Lane sums of rows {@code row, row+1} over their full vectors into {@code out[row ..]}. */
    static void gemvRows(IntGroupedLinear m, Unpack u, int row, float[] x, float[] out) {
        long base = row * m.rowBytes;
        int g0 = row * m.groups;
        int cols = m.inFeatures();
        switch (u.bits) {
            case 8 -> pairBytes(m.codes, base, m.rowBytes, m.scales, m.zeros, g0, m.groups, m.groupCols, x, cols, out, row);
            case 2, 4 -> pairInByte(m.codes, base, m.rowBytes, m.scales, m.zeros, g0, m.groups, m.groupCols, u.bits,
                    u.low, u.mask, u.pow, u.invPow, x, cols, out, row);
            default -> pairStraddling(m.codes, base, m.rowBytes, m.scales, m.zeros, g0, m.groups, m.groupCols, u.bits,
                    u.low, u.high, u.mask, u.pow, u.invPow, x, cols, out, row);
        }
    }

    /** Dequantizes columns {@code [col, end)} of {@code row} into {@code dst[off ..]}; col and end on vector boundaries. */
    static void decode(IntGroupedLinear m, Unpack u, int row, int col, int end, float[] dst, int off) {
        long base = row * m.rowBytes;
        int g0 = row * m.groups;
        switch (u.bits) {
            case 8 -> decodeBytes(m.codes, base, m.scales, m.zeros, g0, m.groupCols, col, end, dst, off);
            case 2, 4 -> decodeInByte(m.codes, base, m.scales, m.zeros, g0, m.groupCols, u.bits, u.low, u.mask, u.pow,
                    u.invPow, col, end, dst, off);
            default -> decodeStraddling(m.codes, base, m.scales, m.zeros, g0, m.groupCols, u.bits, u.low, u.high, u.mask,
                    u.pow, u.invPow, col, end, dst, off);
        }
    }

    private static IntVector bytes(MemorySegment w, long at) {
        return ((IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
    }

    private static IntVector inByte(MemorySegment w, long at, VectorShuffle<Byte> low, IntVector mask) {
        return ((IntVector) ByteVector.fromMemorySegment(B, w, at, LE).rearrange(low).convertShape(VectorOperators.B2I, I, 0))
                .and(mask);
    }

    private static IntVector straddling(MemorySegment w, long at, VectorShuffle<Byte> low, VectorShuffle<Byte> high,
                                        IntVector mask) {
        ByteVector b = ByteVector.fromMemorySegment(B, w, at, LE);
        IntVector lo = ((IntVector) b.rearrange(low).convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
        IntVector hi = ((IntVector) b.rearrange(high).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 8);
        return lo.or(hi).and(mask);
    }

    /** {@code (2^23 + m) - (2^23 + z 2^sh) = (q - z) 2^sh} exactly, times {@code s 2^-sh}. */
    private static FloatVector dequantize(IntVector masked, FloatVector zero, FloatVector scale) {
        return masked.or(TWO_23_BITS).reinterpretAsFloats().sub(zero).mul(scale);
    }

    private static FloatVector scale(float[] scales, int at, FloatVector invPow) {
        return invPow.mul(scales[at]);
    }

    private static FloatVector zero(byte[] zeros, int at, FloatVector pow) {
        return pow.mul((float) (zeros[at] & 0xFF)).add(0x1p23f);
    }

    private static void pairBytes(MemorySegment w, long base, long rb, float[] sc, byte[] zs, int g0, int groups, int gc,
                                   float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int bound = S.loopBound(cols);
        int groupsWithVectors = (bound + gc - 1) / gc;
        for (int k = 0; k < groupsWithVectors; k++) {
            FloatVector s0 = scale(sc, g0 + k, ONES), s1 = scale(sc, g0 + groups + k, ONES);
            FloatVector z0 = zero(zs, g0 + k, ONES), z1 = zero(zs, g0 + groups + k, ONES);
            int end = Math.min(k * gc + gc, bound);
            for (int i = k * gc; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                long p = base + i;
                a0 = dequantize(bytes(w, p), z0, s0).fma(xv, a0);
                a1 = dequantize(bytes(w, p + rb), z1, s1).fma(xv, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    private static void pairInByte(MemorySegment w, long base, long rb, float[] sc, byte[] zs, int g0, int groups, int gc,
                                   int bits, VectorShuffle<Byte> low, IntVector mask, FloatVector pow, FloatVector invPow,
                                   float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int bound = S.loopBound(cols);
        int groupsWithVectors = (bound + gc - 1) / gc;
        for (int k = 0; k < groupsWithVectors; k++) {
            FloatVector s0 = scale(sc, g0 + k, invPow), s1 = scale(sc, g0 + groups + k, invPow);
            FloatVector z0 = zero(zs, g0 + k, pow), z1 = zero(zs, g0 + groups + k, pow);
            int end = Math.min(k * gc + gc, bound);
            for (int i = k * gc; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                long p = base + (((long) i * bits) >>> 3);
                a0 = dequantize(inByte(w, p, low, mask), z0, s0).fma(xv, a0);
                a1 = dequantize(inByte(w, p + rb, low, mask), z1, s1).fma(xv, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    private static void pairStraddling(MemorySegment w, long base, long rb, float[] sc, byte[] zs, int g0, int groups, int gc,
                                   int bits, VectorShuffle<Byte> low, VectorShuffle<Byte> high, IntVector mask,
                                   FloatVector pow, FloatVector invPow,
                                   float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int bound = S.loopBound(cols);
        int groupsWithVectors = (bound + gc - 1) / gc;
        for (int k = 0; k < groupsWithVectors; k++) {
            FloatVector s0 = scale(sc, g0 + k, invPow), s1 = scale(sc, g0 + groups + k, invPow);
            FloatVector z0 = zero(zs, g0 + k, pow), z1 = zero(zs, g0 + groups + k, pow);
            int end = Math.min(k * gc + gc, bound);
            for (int i = k * gc; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                long p = base + (((long) i * bits) >>> 3);
                a0 = dequantize(straddling(w, p, low, high, mask), z0, s0).fma(xv, a0);
                a1 = dequantize(straddling(w, p + rb, low, high, mask), z1, s1).fma(xv, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    private static void decodeBytes(MemorySegment w, long base, float[] sc, byte[] zs, int g0, int gc,
                                    int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k, ONES);
            FloatVector z = zero(zs, g0 + k, ONES);
            for (int i = gs; i < ge; i += L) {
                dequantize(bytes(w, base + i), z, s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }

    private static void decodeInByte(MemorySegment w, long base, float[] sc, byte[] zs, int g0, int gc,
                                    int bits, VectorShuffle<Byte> low, IntVector mask, FloatVector pow, FloatVector invPow,
                                    int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k, invPow);
            FloatVector z = zero(zs, g0 + k, pow);
            for (int i = gs; i < ge; i += L) {
                dequantize(inByte(w, base + (((long) i * bits) >>> 3), low, mask), z, s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }

    private static void decodeStraddling(MemorySegment w, long base, float[] sc, byte[] zs, int g0, int gc,
                                    int bits, VectorShuffle<Byte> low, VectorShuffle<Byte> high, IntVector mask,
                                    FloatVector pow, FloatVector invPow,
                                    int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k, invPow);
            FloatVector z = zero(zs, g0 + k, pow);
            for (int i = gs; i < ge; i += L) {
                dequantize(straddling(w, base + (((long) i * bits) >>> 3), low, high, mask), z, s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }
}
