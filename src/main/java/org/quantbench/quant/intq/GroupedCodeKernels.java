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
 * {@link MatmulKernels}' canonical order, two rows in flight (two FMA chains hide the latency; four were no faster and
 * strain C2's inlining node budget, past which vectors get boxed); the tile decoder stores them for the shared GEMM.
 * Scalar tails are left to the caller. Per-lane shifts are avoided: {@code lanewise(LSHR, vector)} masks its counts
 * through a nested {@code lanewise} call that C2 sometimes refused to inline ("recursive inlining is too deep"),
 * which boxed every vector of the loop and made it ten times slower.
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
 * 4-bit codes at 16 lanes (the W4A16 schemes on AVX-512) take a fourth kernel that looks weights up in a per-group
 * table instead (see {@link #NIBBLE_TABLES}): 4 vector operations per 16 weights instead of 7, SmolLM2's W4A16 g32
 * decode 1.4x faster.
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

    /**
     * 4-bit codes at 16 lanes are looked up instead of computed: a group's 16 possible weights {@code s * (q - z)}
     * form a table vector once, and a permute per 16 codes reads it. 16 bytes (32 codes) are widened to int lanes
     * once; a two-table permute over them and their copy shifted right by 4 puts code p in the low nibble of lane p
     * (even p: the low nibble of byte p/2, odd p: its high nibble), and the table permute uses only those 4 bits.
     */
    static final boolean NIBBLE_TABLES = L == 16;
    /** Lane p of codes 0..15 of a 32-code load: byte p/2 of the unshifted (even p) or shifted (odd p) lanes. */
    private static final IntVector FIRST_HALF = NIBBLE_TABLES ? nibbleIndex(0) : null;
    /** The same for codes 16..31: bytes 8 + p/2. */
    private static final IntVector SECOND_HALF = NIBBLE_TABLES ? nibbleIndex(8) : null;
    private static final FloatVector NIBBLES = NIBBLE_TABLES ? FloatVector.fromArray(S, nibbleValues(), 0) : null;

    /** Bytes one code load reads, starting at the byte of its first code. */
    static final int LOAD_BYTES = B.vectorByteSize();
    /** Smallest nonzero scale magnitude for which {@code s * 2^-7} is still a normal float (exact). */
    static final float MIN_EXACT_SCALE = 0x1p-119f;
    /** Rows the GEMV kernels take at once. */
    static final int ROWS = 2;
    /**
     * Rows the block-order 4-bit kernel takes at once for groups of at least {@link #QUAD_MIN_GROUP} codes; smaller groups
     * take two (at 32 codes, building four tables per chunk measured 10% slower than two rows' two, at 128 four rows
     * were 8% faster: docs/benchmarks.md, session 14).
     */
    static final int BLOCK_ROWS = 4;
    static final int QUAD_MIN_GROUP = 64;
    /** Bytes of a chunk of 32 4-bit codes. */
    private static final int CHUNK4 = 16;

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

    private static IntVector nibbleIndex(int firstByte) {
        int[] idx = new int[L];
        for (int p = 0; p < L; p++) {
            idx[p] = firstByte + p / 2 + (p % 2) * L;
        }
        return IntVector.fromArray(I, idx, 0);
    }

    private static float[] nibbleValues() {
        float[] v = new float[L];
        for (int q = 0; q < L; q++) {
            v[q] = q;
        }
        return v;
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

    /**
     * Where code {@code i} (a multiple of L) of a row starts: in the row's whole chunks of 32 codes
     * ({@code i < chunkedCodes}: chunk {@code i / 32} at {@code rowAt + (i / 32) * stride}) or in the codes after them,
     * which lie together from {@code tailAt} (see {@link IntGroupedLinear}'s layout).
     */
    static long at(long rowAt, long stride, long tailAt, int chunkedCodes, int i, int bits) {
        return i < chunkedCodes ? rowAt + (i >>> 5) * stride + (((i & 31) * bits) >>> 3)
                : tailAt + (((long) (i - chunkedCodes) * bits) >>> 3);
    }

    /**
     * Lane sums of the rows of the layout group starting at {@code row} (two, or four for block-ordered codes in long
     * groups) over their full vectors into {@code out[row ..]}.
     */
    static void gemvRows(IntGroupedLinear m, Unpack u, int row, float[] x, float[] out) {
        long r0 = m.rowStart(row), t0 = m.tailStart(row), r1 = m.rowStart(row + 1), t1 = m.tailStart(row + 1);
        long st = m.chunkStride(row);
        int c32 = m.chunkedCodes;
        int g0 = row * m.groups;
        int cols = m.inFeatures();
        if (m.blockedNibbles && m.layoutRows() == BLOCK_ROWS) {
            quadBlocks(m.codes, r0, st, m.scales, m.zeros, g0, m.groups, m.groupCols, x, cols, out, row);
            return;
        }
        if (m.blockedNibbles) {
            pairBlocks(m.codes, r0, r1, st, m.scales, m.zeros, g0, m.groups, m.groupCols, x, cols, out, row);
            return;
        }
        if (u.bits == 4 && NIBBLE_TABLES) {
            pairNibbles(m.codes, r0, t0, r1, t1, st, c32, m.scales, m.zeros, g0, m.groups, m.groupCols, x, cols, out, row);
            return;
        }
        switch (u.bits) {
            case 8 -> {
                if (m.signedBytes) {
                    pairSignedBytes(m.codes, r0, t0, r1, t1, st, c32, m.scales, g0, m.groups, m.groupCols, x, cols, out, row);
                } else {
                    pairBytes(m.codes, r0, t0, r1, t1, st, c32, m.scales, m.zeros, g0, m.groups, m.groupCols, x, cols, out, row);
                }
            }
            case 2, 4 -> pairInByte(m.codes, r0, t0, r1, t1, st, c32, m.scales, m.zeros, g0, m.groups, m.groupCols, u.bits,
                    u.low, u.mask, u.pow, u.invPow, x, cols, out, row);
            default -> pairStraddling(m.codes, r0, t0, r1, t1, st, c32, m.scales, m.zeros, g0, m.groups, m.groupCols, u.bits,
                    u.low, u.high, u.mask, u.pow, u.invPow, x, cols, out, row);
        }
    }

    /** Dequantizes columns {@code [col, end)} of {@code row} into {@code dst[off ..]}; col and end on vector boundaries. */
    static void decode(IntGroupedLinear m, Unpack u, int row, int col, int end, float[] dst, int off) {
        long r0 = m.rowStart(row), t0 = m.tailStart(row), st = m.chunkStride(row);
        int c32 = m.chunkedCodes;
        int g0 = row * m.groups;
        if (m.blockedNibbles) {
            decodeBlocks(m.codes, r0, st, m.scales, m.zeros, g0, m.groupCols, col, end, dst, off);
            return;
        }
        if (u.bits == 4 && NIBBLE_TABLES) {
            decodeNibbles(m.codes, r0, t0, st, c32, m.scales, m.zeros, g0, m.groupCols, col, end, dst, off);
            return;
        }
        switch (u.bits) {
            case 8 -> {
                if (m.signedBytes) {
                    decodeSignedBytes(m.codes, r0, t0, st, c32, m.scales, g0, m.groupCols, col, end, dst, off);
                } else {
                    decodeBytes(m.codes, r0, t0, st, c32, m.scales, m.zeros, g0, m.groupCols, col, end, dst, off);
                }
            }
            case 2, 4 -> decodeInByte(m.codes, r0, t0, st, c32, m.scales, m.zeros, g0, m.groupCols, u.bits, u.low, u.mask, u.pow,
                    u.invPow, col, end, dst, off);
            default -> decodeStraddling(m.codes, r0, t0, st, c32, m.scales, m.zeros, g0, m.groupCols, u.bits, u.low, u.high, u.mask,
                    u.pow, u.invPow, col, end, dst, off);
        }
    }

    /** L signed bytes from {@code at} as floats. */
    private static FloatVector signedBytes(MemorySegment w, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2F, S, 0);
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

    /** The 16 bytes from {@code at} (32 codes; B is 16 bytes at 16 lanes) as int lanes, byte j in lane j, sign-extended. */
    private static IntVector nibblePairs(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    /** The 16 weights {@code s * (float) (q - z)} of a group, q = 0..15, as int bits for the lookup permute. */
    private static IntVector nibbleTable(float[] scales, byte[] zeros, int at) {
        return NIBBLES.sub((float) (zeros[at] & 0xFF)).mul(scales[at]).reinterpretAsInts();
    }

    /** The weights of the 16 codes {@code half} selects from {@code pairs} and {@code pairs >>> 4}. */
    private static FloatVector lookUp(IntVector half, IntVector pairs, IntVector shifted, IntVector table) {
        return half.selectFrom(pairs, shifted).selectFrom(table).reinterpretAsFloats();
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

    private static void pairBytes(MemorySegment w, long r0, long t0, long r1, long t1, long st, int c32, float[] sc, byte[] zs, int g0, int groups, int gc,
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
                a0 = dequantize(bytes(w, at(r0, st, t0, c32, i, 8)), z0, s0).fma(xv, a0);
                a1 = dequantize(bytes(w, at(r1, st, t1, c32, i, 8)), z1, s1).fma(xv, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    /**
     * {@link #pairBytes} for symmetric 8-bit codes held as signed bytes ({@link IntGroupedLinear#signedBytes}): a byte
     * widens straight to {@code (float) (q - 128)}, times the group's scale, the reference's one rounding.
     */
    private static void pairSignedBytes(MemorySegment w, long r0, long t0, long r1, long t1, long st, int c32, float[] sc,
                                        int g0, int groups, int gc, float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int bound = S.loopBound(cols);
        int groupsWithVectors = (bound + gc - 1) / gc;
        for (int k = 0; k < groupsWithVectors; k++) {
            float s0 = sc[g0 + k], s1 = sc[g0 + groups + k];
            int end = Math.min(k * gc + gc, bound);
            for (int i = k * gc; i < end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, i);
                a0 = signedBytes(w, at(r0, st, t0, c32, i, 8)).mul(s0).fma(xv, a0);
                a1 = signedBytes(w, at(r1, st, t1, c32, i, 8)).mul(s1).fma(xv, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    private static void pairInByte(MemorySegment w, long r0, long t0, long r1, long t1, long st, int c32, float[] sc, byte[] zs, int g0, int groups, int gc,
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
                a0 = dequantize(inByte(w, at(r0, st, t0, c32, i, bits), low, mask), z0, s0).fma(xv, a0);
                a1 = dequantize(inByte(w, at(r1, st, t1, c32, i, bits), low, mask), z1, s1).fma(xv, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    private static void pairNibbles(MemorySegment w, long r0, long t0, long r1, long t1, long st, int c32, float[] sc, byte[] zs, int g0, int groups, int gc,
                                    float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int bound = S.loopBound(cols);
        int groupsWithVectors = (bound + gc - 1) / gc;
        for (int k = 0; k < groupsWithVectors; k++) {
            IntVector t0n = nibbleTable(sc, zs, g0 + k), t1n = nibbleTable(sc, zs, g0 + groups + k);
            int end = Math.min(k * gc + gc, bound);
            int i = k * gc;
            if ((i & 31) != 0 && i + L <= end) {
                // A two-vector step reads 32 codes together: they lie together from a chunk's start only.
                FloatVector xa = FloatVector.fromArray(S, x, i);
                IntVector v0 = nibblePairs(w, at(r0, st, t0, c32, i, 4)), v1 = nibblePairs(w, at(r1, st, t1, c32, i, 4));
                a0 = lookUp(FIRST_HALF, v0, v0.lanewise(VectorOperators.LSHR, 4), t0n).fma(xa, a0);
                a1 = lookUp(FIRST_HALF, v1, v1.lanewise(VectorOperators.LSHR, 4), t1n).fma(xa, a1);
                i += L;
            }
            for (; i + 2 * L <= end; i += 2 * L) {
                FloatVector xa = FloatVector.fromArray(S, x, i), xb = FloatVector.fromArray(S, x, i + L);
                IntVector v0 = nibblePairs(w, at(r0, st, t0, c32, i, 4)), v1 = nibblePairs(w, at(r1, st, t1, c32, i, 4));
                IntVector h0 = v0.lanewise(VectorOperators.LSHR, 4), h1 = v1.lanewise(VectorOperators.LSHR, 4);
                a0 = lookUp(FIRST_HALF, v0, h0, t0n).fma(xa, a0);
                a1 = lookUp(FIRST_HALF, v1, h1, t1n).fma(xa, a1);
                a0 = lookUp(SECOND_HALF, v0, h0, t0n).fma(xb, a0);
                a1 = lookUp(SECOND_HALF, v1, h1, t1n).fma(xb, a1);
            }
            for (; i < end; i += L) {
                FloatVector xa = FloatVector.fromArray(S, x, i);
                IntVector v0 = nibblePairs(w, at(r0, st, t0, c32, i, 4)), v1 = nibblePairs(w, at(r1, st, t1, c32, i, 4));
                a0 = lookUp(FIRST_HALF, v0, v0.lanewise(VectorOperators.LSHR, 4), t0n).fma(xa, a0);
                a1 = lookUp(FIRST_HALF, v1, v1.lanewise(VectorOperators.LSHR, 4), t1n).fma(xa, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    /**
     * {@link #pairNibbles} over chunks in block order ({@link IntGroupedLinear#blockedNibbles}), for groups of fewer than
     * {@link #QUAD_MIN_GROUP} codes; see {@link #quadBlocks}.
     */
    private static void pairBlocks(MemorySegment w, long r0, long r1, long st, float[] sc, byte[] zs, int g0, int groups,
                                   int gc, float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        long second = r1 - r0;
        for (int k = 0; k < groups; k++) {
            IntVector t0 = nibbleTable(sc, zs, g0 + k), t1 = nibbleTable(sc, zs, g0 + groups + k);
            int end = Math.min(k * gc + gc, cols);
            for (int i = k * gc; i < end; i += 2 * L) {
                FloatVector xa = FloatVector.fromArray(S, x, i), xb = FloatVector.fromArray(S, x, i + L);
                long p = r0 + (i >>> 5) * st;
                IntVector v0 = nibblePairs(w, p), v1 = nibblePairs(w, p + second);
                a0 = v0.selectFrom(t0).reinterpretAsFloats().fma(xa, a0);
                a1 = v1.selectFrom(t1).reinterpretAsFloats().fma(xa, a1);
                a0 = v0.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(xb, a0);
                a1 = v1.lanewise(VectorOperators.LSHR, 4).selectFrom(t1).reinterpretAsFloats().fma(xb, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    /**
     * The four rows from {@code o} (a group of {@link #BLOCK_ROWS}) over chunks in block order
     * ({@link IntGroupedLinear#blockedNibbles}): a 16-byte chunk holds codes 0..15 of its 32 in its bytes' low nibbles
     * and codes 16..31 in their high nibbles, so one load gives both halves with one shift and no two-table permute, as
     * a ggml Q4_0 block does; the four rows' chunks lie side by side. Every step is a whole chunk.
     */
    private static void quadBlocks(MemorySegment w, long r0, long st, float[] sc, byte[] zs, int g0, int groups,
                                   int gc, float[] x, int cols, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < groups; k++) {
            IntVector t0 = nibbleTable(sc, zs, g0 + k), t1 = nibbleTable(sc, zs, g0 + groups + k);
            IntVector t2 = nibbleTable(sc, zs, g0 + 2 * groups + k), t3 = nibbleTable(sc, zs, g0 + 3 * groups + k);
            int end = Math.min(k * gc + gc, cols);
            for (int i = k * gc; i < end; i += 2 * L) {
                FloatVector xa = FloatVector.fromArray(S, x, i), xb = FloatVector.fromArray(S, x, i + L);
                long p = r0 + (i >>> 5) * st;
                IntVector v0 = nibblePairs(w, p), v1 = nibblePairs(w, p + CHUNK4);
                IntVector v2 = nibblePairs(w, p + 2 * CHUNK4), v3 = nibblePairs(w, p + 3 * CHUNK4);
                a0 = v0.selectFrom(t0).reinterpretAsFloats().fma(xa, a0);
                a1 = v1.selectFrom(t1).reinterpretAsFloats().fma(xa, a1);
                a2 = v2.selectFrom(t2).reinterpretAsFloats().fma(xa, a2);
                a3 = v3.selectFrom(t3).reinterpretAsFloats().fma(xa, a3);
                a0 = v0.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(xb, a0);
                a1 = v1.lanewise(VectorOperators.LSHR, 4).selectFrom(t1).reinterpretAsFloats().fma(xb, a1);
                a2 = v2.lanewise(VectorOperators.LSHR, 4).selectFrom(t2).reinterpretAsFloats().fma(xb, a2);
                a3 = v3.lanewise(VectorOperators.LSHR, 4).selectFrom(t3).reinterpretAsFloats().fma(xb, a3);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
        out[o + 2] = MatmulKernels.sumLanes(a2);
        out[o + 3] = MatmulKernels.sumLanes(a3);
    }

    private static void pairStraddling(MemorySegment w, long r0, long t0, long r1, long t1, long st, int c32, float[] sc, byte[] zs, int g0, int groups, int gc,
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
                a0 = dequantize(straddling(w, at(r0, st, t0, c32, i, bits), low, high, mask), z0, s0).fma(xv, a0);
                a1 = dequantize(straddling(w, at(r1, st, t1, c32, i, bits), low, high, mask), z1, s1).fma(xv, a1);
            }
        }
        out[o] = MatmulKernels.sumLanes(a0);
        out[o + 1] = MatmulKernels.sumLanes(a1);
    }

    private static void decodeBytes(MemorySegment w, long r0, long t0, long st, int c32, float[] sc, byte[] zs, int g0, int gc,
                                    int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k, ONES);
            FloatVector z = zero(zs, g0 + k, ONES);
            for (int i = gs; i < ge; i += L) {
                dequantize(bytes(w, at(r0, st, t0, c32, i, 8)), z, s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }

    private static void decodeSignedBytes(MemorySegment w, long r0, long t0, long st, int c32, float[] sc, int g0, int gc,
                                          int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            float s = sc[g0 + k];
            for (int i = gs; i < ge; i += L) {
                signedBytes(w, at(r0, st, t0, c32, i, 8)).mul(s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }

    private static void decodeInByte(MemorySegment w, long r0, long t0, long st, int c32, float[] sc, byte[] zs, int g0, int gc,
                                    int bits, VectorShuffle<Byte> low, IntVector mask, FloatVector pow, FloatVector invPow,
                                    int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k, invPow);
            FloatVector z = zero(zs, g0 + k, pow);
            for (int i = gs; i < ge; i += L) {
                dequantize(inByte(w, at(r0, st, t0, c32, i, bits), low, mask), z, s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }

    private static void decodeNibbles(MemorySegment w, long r0, long t0, long st, int c32, float[] sc, byte[] zs, int g0, int gc,
                                      int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            IntVector t = nibbleTable(sc, zs, g0 + k);
            int i = gs;
            if ((i & 31) != 0 && i + L <= ge) {
                IntVector v = nibblePairs(w, at(r0, st, t0, c32, i, 4));
                lookUp(FIRST_HALF, v, v.lanewise(VectorOperators.LSHR, 4), t).intoArray(dst, off + i - col);
                i += L;
            }
            for (; i + 2 * L <= ge; i += 2 * L) {
                IntVector v = nibblePairs(w, at(r0, st, t0, c32, i, 4));
                IntVector h = v.lanewise(VectorOperators.LSHR, 4);
                lookUp(FIRST_HALF, v, h, t).intoArray(dst, off + i - col);
                lookUp(SECOND_HALF, v, h, t).intoArray(dst, off + i - col + L);
            }
            for (; i < ge; i += L) {
                IntVector v = nibblePairs(w, at(r0, st, t0, c32, i, 4));
                lookUp(FIRST_HALF, v, v.lanewise(VectorOperators.LSHR, 4), t).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }

    /** {@link #decodeNibbles} over chunks in block order (see {@link #quadBlocks}); col and end on chunk boundaries. */
    private static void decodeBlocks(MemorySegment w, long r0, long st, float[] sc, byte[] zs, int g0, int gc,
                                     int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            IntVector t = nibbleTable(sc, zs, g0 + k);
            for (int i = gs; i < ge; i += 2 * L) {
                IntVector v = nibblePairs(w, r0 + (i >>> 5) * st);
                v.selectFrom(t).reinterpretAsFloats().intoArray(dst, off + i - col);
                v.lanewise(VectorOperators.LSHR, 4).selectFrom(t).reinterpretAsFloats().intoArray(dst, off + i - col + L);
            }
            gs = ge;
        }
    }

    private static void decodeStraddling(MemorySegment w, long r0, long t0, long st, int c32, float[] sc, byte[] zs, int g0, int gc,
                                    int bits, VectorShuffle<Byte> low, VectorShuffle<Byte> high, IntVector mask,
                                    FloatVector pow, FloatVector invPow,
                                    int col, int end, float[] dst, int off) {
        for (int k = col / gc, gs = col; gs < end; k++) {
            int ge = Math.min(k * gc + gc, end);
            FloatVector s = scale(sc, g0 + k, invPow);
            FloatVector z = zero(zs, g0 + k, pow);
            for (int i = gs; i < ge; i += L) {
                dequantize(straddling(w, at(r0, st, t0, c32, i, bits), low, high, mask), z, s).intoArray(dst, off + i - col);
            }
            gs = ge;
        }
    }
}
