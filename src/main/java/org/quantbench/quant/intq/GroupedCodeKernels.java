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
 * spread to the L int lanes with a constant byte shuffle, shifted and masked into codes in column order, then
 * dequantized exactly as the scalar reference, {@code s * (float) (q - z)}, with the group's scale and zero point
 * broadcast. The GEMV multiplies them into lane accumulators in {@link MatmulKernels}' canonical order (four rows in
 * flight); the tile decoder stores them for the shared GEMM. Scalar tails are left to the caller.
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

    /** Bytes one code load reads, starting at the byte of its first code. */
    static final int LOAD_BYTES = B.vectorByteSize();

    private GroupedCodeKernels() {}

    /** Whether the vector kernels handle {@code bits}-bit codes with groups of {@code groupCols} ({@code groups} per row). */
    static boolean supports(int bits, int groupCols, int groups) {
        return VectorSupport.enabled() && (groups == 1 || groupCols % L == 0) && (L * bits) % 8 == 0;
    }

    /** The end of the full vectors of {@code n} columns. */
    static int vectorBound(int n) {
        return VectorSupport.enabled() ? S.loopBound(n) : 0;
    }

    /** Loop-invariant vectors that spread the bytes of L codes of one width into int lanes. */
    static final class Unpack {
        final int bits;
        final int mask;
        final VectorShuffle<Byte> low;
        final VectorShuffle<Byte> high;
        final IntVector shifts;

        Unpack(int bits) {
            this.bits = bits;
            this.mask = (1 << bits) - 1;
            int[] lo = new int[B.length()];
            int[] hi = new int[B.length()];
            int[] sh = new int[L];
            for (int p = 0; p < L; p++) {
                lo[p] = (p * bits) >>> 3;
                hi[p] = lo[p] + 1;
                sh[p] = (p * bits) & 7;
            }
            this.low = VectorShuffle.fromArray(B, lo, 0);
            this.high = VectorShuffle.fromArray(B, hi, 0);
            this.shifts = IntVector.fromArray(I, sh, 0);
        }
    }

    /** Lane sums of rows {@code row .. row+3} over their full vectors into {@code out[row ..]}. */
    static void gemvQuad(IntGroupedLinear m, Unpack u, int row, float[] x, float[] out) {
        long base = row * m.rowBytes;
        int g0 = row * m.groups;
        switch (u.bits) {
            case 8 -> quadBytes(m.codes, base, m.rowBytes, m.scales, m.zeros, g0, m.groups, m.groupCols, x, m.inFeatures(), out, row);
            case 2, 4 -> quadInByte(m.codes, base, m.rowBytes, m.scales, m.zeros, g0, m.groups, m.groupCols, u.bits,
                    u.low, u.shifts, u.mask, x, m.inFeatures(), out, row);
            default -> quadStraddling(m.codes, base, m.rowBytes, m.scales, m.zeros, g0, m.groups, m.groupCols, u.bits,
                    u.low, u.high, u.shifts, u.mask, x, m.inFeatures(), out, row);
        }
    }

    /** Dequantizes columns {@code [col, end)} of {@code row} into {@code dst[off ..]}; col and end on vector boundaries. */
    static void decode(IntGroupedLinear m, Unpack u, int row, int col, int end, float[] dst, int off) {
        long base = row * m.rowBytes;
        int g0 = row * m.groups;
        switch (u.bits) {
            case 8 -> decodeBytes(m.codes, base, m.scales, m.zeros, g0, m.groupCols, col, end, dst, off);
            case 2, 4 -> decodeInByte(m.codes, base, m.scales, m.zeros, g0, m.groupCols, u.bits, u.low, u.shifts, u.mask,
                    col, end, dst, off);
            default -> decodeStraddling(m.codes, base, m.scales, m.zeros, g0, m.groupCols, u.bits, u.low, u.high, u.shifts,
                    u.mask, col, end, dst, off);
        }
    }

    private static IntVector bytes(MemorySegment w, long at) {
        return ((IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
    }

    private static IntVector inByte(MemorySegment w, long at, VectorShuffle<Byte> low, IntVector shifts, int mask) {
        return ((IntVector) ByteVector.fromMemorySegment(B, w, at, LE).rearrange(low).convertShape(VectorOperators.B2I, I, 0))
                .lanewise(VectorOperators.LSHR, shifts).and(mask);
    }

    private static IntVector straddling(MemorySegment w, long at, VectorShuffle<Byte> low, VectorShuffle<Byte> high,
                                        IntVector shifts, int mask) {
        ByteVector b = ByteVector.fromMemorySegment(B, w, at, LE);
        IntVector lo = ((IntVector) b.rearrange(low).convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
        IntVector hi = ((IntVector) b.rearrange(high).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 8);
        return lo.or(hi).lanewise(VectorOperators.LSHR, shifts).and(mask);
    }

    private static FloatVector dequantize(IntVector q, IntVector zero, FloatVector scale) {
        return ((FloatVector) q.sub(zero).convert(VectorOperators.I2F, 0)).mul(scale);
    }

    private static FloatVector scale(float[] scales, int at) {
        return FloatVector.broadcast(S, scales[at]);
    }

    private static IntVector zero(byte[] zeros, int at) {
        return IntVector.broadcast(I, zeros[at] & 0xFF);
    }

    private static void quadBytes(MemorySegment w, long base, long rb, float[] sc, byte[] zs, int g0, int groups, int gc,
                                  float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(cols);
        int groupsWithVectors = (bound + gc - 1) / gc;
        for (int k = 0; k < groupsWithVectors; k++) {
            int j0 = g0 + k, j1 = j0 + groups, j2 = j1 + groups, j3 = j2 + groups;
            FloatVector s0 = scale(sc, j0), s1 = scale(sc, j1), s2 = scale(sc, j2), s3 = scale(sc, j3);
            IntVector z0 = zero(zs, j0), z1 = zero(zs, j1), z2 = zero(zs, j2), z3 = zero(zs, j3);
            int end = Math.min(k * gc + gc, bound);
            for (int i = k * gc; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                long p = base + i;
                a0 = dequantize(bytes(w, p), z0, s0).fma(xv, a0);
                a1 = dequantize(bytes(w, p + rb), z1, s1).fma(xv, a1);
                a2 = dequantize(bytes(w, p + 2 * rb), z2, s2).fma(xv, a2);
                a3 = dequantize(bytes(w, p + 3 * rb), z3, s3).fma(xv, a3);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
        out[o + 2] = MatmulKernels.sumLanes(a2);
        out[o + 3] = MatmulKernels.sumLanes(a3);
    }

    private static void quadInByte(MemorySegment w, long base, long rb, float[] sc, byte[] zs, int g0, int groups, int gc,
                                   int bits, VectorShuffle<Byte> low, IntVector shifts, int mask,
                                   float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(cols);
        int groupsWithVectors = (bound + gc - 1) / gc;
        for (int k = 0; k < groupsWithVectors; k++) {
            int j0 = g0 + k, j1 = j0 + groups, j2 = j1 + groups, j3 = j2 + groups;
            FloatVector s0 = scale(sc, j0), s1 = scale(sc, j1), s2 = scale(sc, j2), s3 = scale(sc, j3);
            IntVector z0 = zero(zs, j0), z1 = zero(zs, j1), z2 = zero(zs, j2), z3 = zero(zs, j3);
            int end = Math.min(k * gc + gc, bound);
            for (int i = k * gc; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                long p = base + (((long) i * bits) >>> 3);
                a0 = dequantize(inByte(w, p, low, shifts, mask), z0, s0).fma(xv, a0);
                a1 = dequantize(inByte(w, p + rb, low, shifts, mask), z1, s1).fma(xv, a1);
                a2 = dequantize(inByte(w, p + 2 * rb, low, shifts, mask), z2, s2).fma(xv, a2);
                a3 = dequantize(inByte(w, p + 3 * rb, low, shifts, mask), z3, s3).fma(xv, a3);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
        out[o + 2] = MatmulKernels.sumLanes(a2);
        out[o + 3] = MatmulKernels.sumLanes(a3);
    }

    private static void quadStraddling(MemorySegment w, long base, long rb, float[] sc, byte[] zs, int g0, int groups,
                                       int gc, int bits, VectorShuffle<Byte> low, VectorShuffle<Byte> high,
                                       IntVector shifts, int mask, float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(cols);
        int groupsWithVectors = (bound + gc - 1) / gc;
        for (int k = 0; k < groupsWithVectors; k++) {
            int j0 = g0 + k, j1 = j0 + groups, j2 = j1 + groups, j3 = j2 + groups;
            FloatVector s0 = scale(sc, j0), s1 = scale(sc, j1), s2 = scale(sc, j2), s3 = scale(sc, j3);
            IntVector z0 = zero(zs, j0), z1 = zero(zs, j1), z2 = zero(zs, j2), z3 = zero(zs, j3);
            int end = Math.min(k * gc + gc, bound);
            for (int i = k * gc; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                long p = base + (((long) i * bits) >>> 3);
                a0 = dequantize(straddling(w, p, low, high, shifts, mask), z0, s0).fma(xv, a0);
                a1 = dequantize(straddling(w, p + rb, low, high, shifts, mask), z1, s1).fma(xv, a1);
                a2 = dequantize(straddling(w, p + 2 * rb, low, high, shifts, mask), z2, s2).fma(xv, a2);
                a3 = dequantize(straddling(w, p + 3 * rb, low, high, shifts, mask), z3, s3).fma(xv, a3);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
        out[o + 2] = MatmulKernels.sumLanes(a2);
        out[o + 3] = MatmulKernels.sumLanes(a3);
    }

    private static void decodeBytes(MemorySegment w, long base, float[] sc, byte[] zs, int g0, int gc,
                                    int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k);
            IntVector z = zero(zs, g0 + k);
            for (int i = gs; i < ge; i += L) {
                dequantize(bytes(w, base + i), z, s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }

    private static void decodeInByte(MemorySegment w, long base, float[] sc, byte[] zs, int g0, int gc, int bits,
                                     VectorShuffle<Byte> low, IntVector shifts, int mask,
                                     int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k);
            IntVector z = zero(zs, g0 + k);
            for (int i = gs; i < ge; i += L) {
                dequantize(inByte(w, base + (((long) i * bits) >>> 3), low, shifts, mask), z, s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }

    private static void decodeStraddling(MemorySegment w, long base, float[] sc, byte[] zs, int g0, int gc, int bits,
                                         VectorShuffle<Byte> low, VectorShuffle<Byte> high, IntVector shifts, int mask,
                                         int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k);
            IntVector z = zero(zs, g0 + k);
            for (int i = gs; i < ge; i += L) {
                dequantize(straddling(w, base + (((long) i * bits) >>> 3), low, high, shifts, mask), z, s)
                        .intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }
}
