package org.quantbench.quant.nf4;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.quant.RowInterleave;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector kernels over NF4 rows, L float lanes (16 or 8). One step covers 2L weights: L bytes are widened to L int
 * lanes (byte k in lane k), whose high nibbles ({@code >>> 4}) are the even elements 0, 2, .. and whose low nibbles the
 * odd ones. Both go through a 16-entry table of the NF4 values already multiplied by the block's absmax, held in
 * registers ({@code selectFrom} wraps the index modulo the table length, so the low nibble needs no mask), and one
 * two-source permute per output vector interleaves them back into element order. So every lane holds
 * {@code value[q] * absmax}, the same float as the scalar {@link Nf4Linear#dequantizeRow}. Uniform shifts and two
 * permutes per 16 weights measured about 1.6x faster than per-lane variable shifts of a broadcast word. Blocks are
 * multiples of 32 columns, so no step straddles two blocks.
 * <p>
 * The codes are read in the layer's {@link RowInterleave} layout: rows in pairs whose 16-byte chunks (32 weights, one
 * 16-lane step) alternate, so the two rows of the GEMV are one stream. Byte {@code b} of a row whose first byte is at
 * {@code rowAt} lies at {@code rowAt + (b / 16) * stride + b % 16} over the row's whole chunks ({@code stride} 32 in a
 * pair, 16 for a lone last row); the few bytes past them are read one by one through {@link RowInterleave#offset}.
 */
final class Nf4Kernels {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    /** L bytes are one byte vector of L*8 bits: 128 at 16 lanes, 64 at 8; 4-lane species take the tile path. */
    static final boolean FUSED = VectorSupport.enabled() && (L == 16 || L == 8);
    private static final boolean WIDE = L == 16;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** The NF4 values: lanes 0..L-1 of the table, then lanes L..15 (the same again when L = 16). */
    private static final FloatVector CODES_LO = FloatVector.fromArray(S, Nf4Code.values(), 0);
    private static final FloatVector CODES_HI = FloatVector.fromArray(S, Nf4Code.values(), WIDE ? 0 : Math.min(L, 8));
    /** Two-source permutes (high-nibble values ++ low-nibble values) giving elements 0..L-1 and L..2L-1 of a step. */
    private static final IntVector FIRST = interleave(0);
    private static final IntVector SECOND = interleave(L / 2);

    /** Rows the GEMV takes at once: the group of the layer's {@link RowInterleave}. */
    static final int ROWS = 2;
    /** Bytes per chunk of that layout: one 16-lane step. */
    static final int CHUNK = 16;

    private Nf4Kernels() {}

    private static IntVector interleave(int from) {
        int[] idx = new int[L];
        for (int j = 0; j < L; j++) {
            idx[j] = from + j / 2 + ((j & 1) == 0 ? 0 : L);
        }
        return IntVector.fromArray(I, idx, 0);
    }

    /** The L bytes at {@code at} widened to int lanes (sign-extended; only the low 8 bits matter). */
    private static IntVector bytes(MemorySegment q, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, q, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    private static FloatVector pick(IntVector order, IntVector high, IntVector low) {
        return order.selectFrom(high, low).reinterpretAsFloats();
    }

    /** Where the byte of column {@code col} starts, over a row's whole chunks (see the class comment). */
    private static long chunked(long rowAt, long stride, int col) {
        int b = col >>> 1;
        return rowAt + (b >>> 4) * stride + (b & 15);
    }

    /** Columns of a row the vector paths may read through {@link #chunked}: its whole chunks. */
    private static int chunkedColumns(Nf4Linear layer) {
        return (int) (2 * layer.layout().chunkedBytes());
    }

    /** Weight {@code [row, col]} as the scalar reference gives it. */
    private static float scalar(Nf4Linear layer, int row, int col, float absmax) {
        int b = layer.qweight().get(ValueLayout.JAVA_BYTE, layer.layout().offset(row, col >>> 1));
        int code = (col & 1) == 0 ? (b >>> 4) & 15 : b & 15;
        return Nf4Code.value(code) * absmax;
    }

    private static FloatVector scalarVector(Nf4Linear layer, int row, int col, float absmax) {
        float[] w = new float[L];
        for (int j = 0; j < L; j++) {
            w[j] = scalar(layer, row, col + j, absmax);
        }
        return FloatVector.fromArray(S, w, 0);
    }

    /** Widens columns [col, col+len) of row {@code row} into {@code dst[dstOff..]}; col is a multiple of 32. */
    static void decode(Nf4Linear layer, int row, int col, int len, float[] dst, int dstOff) {
        MemorySegment q = layer.qweight();
        long rowAt = layer.layout().offset(row, 0);
        long stride = layer.layout().chunkStride(row);
        int vectorEnd = chunkedColumns(layer);
        int bs = layer.blockSize();
        long firstBlock = (long) row * layer.blocksPerRow();
        int end = col + len;
        for (int c = col; c < end; ) {
            int block = c / bs;
            int blockEnd = Math.min(end, (block + 1) * bs);
            float a = layer.absmax(firstBlock + block);
            if (FUSED) {
                int fusedEnd = Math.min(blockEnd, vectorEnd);
                c = WIDE ? decode16(q, rowAt, stride, c, fusedEnd, a, dst, dstOff - col)
                        : decode8(q, rowAt, stride, c, fusedEnd, a, dst, dstOff - col);
            }
            for (; c < blockEnd; c++) {
                dst[dstOff + c - col] = scalar(layer, row, c, a);
            }
        }
    }

    /** Full steps of columns [c, end) into {@code dst[shift + column]}; returns the first column not written. */
    private static int decode16(MemorySegment q, long rowAt, long stride, int c, int end, float a, float[] dst, int shift) {
        IntVector t = CODES_LO.mul(a).reinterpretAsInts();
        for (; c + 2 * L <= end; c += 2 * L) {
            IntVector v = bytes(q, chunked(rowAt, stride, c));
            IntVector high = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t);
            IntVector low = v.selectFrom(t);
            pick(FIRST, high, low).intoArray(dst, shift + c);
            pick(SECOND, high, low).intoArray(dst, shift + c + L);
        }
        return c;
    }

    private static int decode8(MemorySegment q, long rowAt, long stride, int c, int end, float a, float[] dst, int shift) {
        IntVector t = CODES_LO.mul(a).reinterpretAsInts();
        IntVector u = CODES_HI.mul(a).reinterpretAsInts();
        for (; c + 2 * L <= end; c += 2 * L) {
            IntVector v = bytes(q, chunked(rowAt, stride, c));
            IntVector high = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t, u);
            IntVector low = v.selectFrom(t, u);
            pick(FIRST, high, low).intoArray(dst, shift + c);
            pick(SECOND, high, low).intoArray(dst, shift + c + L);
        }
        return c;
    }

    /**
     * {@code out[o0 + r] = dot(dequantized row o0 + r, x)} for {@code r < n} in the canonical order of
     * {@link MatmulKernels}, the two rows of a pair in flight (as fast as four here, and within C2's inlining budget,
     * past which vectors get boxed); rows outside whole pairs one at a time. Only when {@link #FUSED}.
     */
    static void gemv(Nf4Linear layer, int o0, int n, float[] x, float[] out) {
        int end = o0 + n;
        int pairedEnd = Math.min(end, layer.layout().groupedRows());
        int r = o0;
        if (r % ROWS != 0 && r < end) {
            out[r] = WIDE ? row16(layer, r, x) : row8(layer, r, x);
            r++;
        }
        for (; r + ROWS <= pairedEnd; r += ROWS) {
            if (WIDE) {
                rows2x16(layer, r, x, out);
            } else {
                rows2x8(layer, r, x, out);
            }
        }
        for (; r < end; r++) {
            out[r] = WIDE ? row16(layer, r, x) : row8(layer, r, x);
        }
    }

    private static void rows2x16(Nf4Linear layer, int o, float[] x, float[] out) {
        MemorySegment q = layer.qweight();
        int bs = layer.blockSize();
        long at = layer.layout().offset(o, 0);
        long stride = layer.layout().chunkStride(o);
        long nb = layer.blocksPerRow();
        long b0 = o * nb;
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int bound = S.loopBound(layer.inFeatures());
        int pairs = Math.min(bound - bound % (2 * L), chunkedColumns(layer));
        for (int start = 0, block = 0; start < pairs; start += bs, block++) {
            IntVector t0 = CODES_LO.mul(layer.absmax(b0 + block)).reinterpretAsInts();
            IntVector t1 = CODES_LO.mul(layer.absmax(b0 + nb + block)).reinterpretAsInts();
            int end = Math.min(start + bs, pairs);
            for (int i = start; i < end; i += 2 * L) {
                FloatVector x0 = FloatVector.fromArray(S, x, i), x1 = FloatVector.fromArray(S, x, i + L);
                long p = chunked(at, stride, i);
                IntVector v = bytes(q, p);
                IntVector high = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0), low = v.selectFrom(t0);
                a0 = pick(FIRST, high, low).fma(x0, a0);
                a0 = pick(SECOND, high, low).fma(x1, a0);
                v = bytes(q, p + CHUNK);
                high = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t1);
                low = v.selectFrom(t1);
                a1 = pick(FIRST, high, low).fma(x0, a1);
                a1 = pick(SECOND, high, low).fma(x1, a1);
            }
        }
        a0 = lastVectors(layer, o, pairs, bound, x, a0);
        a1 = lastVectors(layer, o + 1, pairs, bound, x, a1);
        out[o] = finish(layer, o, a0, x, bound);
        out[o + 1] = finish(layer, o + 1, a1, x, bound);
    }

    private static void rows2x8(Nf4Linear layer, int o, float[] x, float[] out) {
        MemorySegment q = layer.qweight();
        int bs = layer.blockSize();
        long at = layer.layout().offset(o, 0);
        long stride = layer.layout().chunkStride(o);
        long nb = layer.blocksPerRow();
        long b0 = o * nb;
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int bound = S.loopBound(layer.inFeatures());
        int pairs = Math.min(bound - bound % (2 * L), chunkedColumns(layer));
        for (int start = 0, block = 0; start < pairs; start += bs, block++) {
            float s0 = layer.absmax(b0 + block), s1 = layer.absmax(b0 + nb + block);
            IntVector t0 = CODES_LO.mul(s0).reinterpretAsInts(), u0 = CODES_HI.mul(s0).reinterpretAsInts();
            IntVector t1 = CODES_LO.mul(s1).reinterpretAsInts(), u1 = CODES_HI.mul(s1).reinterpretAsInts();
            int end = Math.min(start + bs, pairs);
            for (int i = start; i < end; i += 2 * L) {
                FloatVector x0 = FloatVector.fromArray(S, x, i), x1 = FloatVector.fromArray(S, x, i + L);
                long p = chunked(at, stride, i);
                IntVector v = bytes(q, p);
                IntVector high = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0, u0), low = v.selectFrom(t0, u0);
                a0 = pick(FIRST, high, low).fma(x0, a0);
                a0 = pick(SECOND, high, low).fma(x1, a0);
                v = bytes(q, p + CHUNK);
                high = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t1, u1);
                low = v.selectFrom(t1, u1);
                a1 = pick(FIRST, high, low).fma(x0, a1);
                a1 = pick(SECOND, high, low).fma(x1, a1);
            }
        }
        a0 = lastVectors(layer, o, pairs, bound, x, a0);
        a1 = lastVectors(layer, o + 1, pairs, bound, x, a1);
        out[o] = finish(layer, o, a0, x, bound);
        out[o + 1] = finish(layer, o + 1, a1, x, bound);
    }

    private static float row16(Nf4Linear layer, int o, float[] x) {
        MemorySegment q = layer.qweight();
        int bs = layer.blockSize();
        long at = layer.layout().offset(o, 0);
        long stride = layer.layout().chunkStride(o);
        long b0 = o * (long) layer.blocksPerRow();
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(layer.inFeatures());
        int pairs = Math.min(bound - bound % (2 * L), chunkedColumns(layer));
        for (int start = 0, block = 0; start < pairs; start += bs, block++) {
            IntVector t = CODES_LO.mul(layer.absmax(b0 + block)).reinterpretAsInts();
            int end = Math.min(start + bs, pairs);
            for (int i = start; i < end; i += 2 * L) {
                IntVector v = bytes(q, chunked(at, stride, i));
                IntVector high = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t), low = v.selectFrom(t);
                acc = pick(FIRST, high, low).fma(FloatVector.fromArray(S, x, i), acc);
                acc = pick(SECOND, high, low).fma(FloatVector.fromArray(S, x, i + L), acc);
            }
        }
        acc = lastVectors(layer, o, pairs, bound, x, acc);
        return finish(layer, o, acc, x, bound);
    }

    private static float row8(Nf4Linear layer, int o, float[] x) {
        MemorySegment q = layer.qweight();
        int bs = layer.blockSize();
        long at = layer.layout().offset(o, 0);
        long stride = layer.layout().chunkStride(o);
        long b0 = o * (long) layer.blocksPerRow();
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(layer.inFeatures());
        int pairs = Math.min(bound - bound % (2 * L), chunkedColumns(layer));
        for (int start = 0, block = 0; start < pairs; start += bs, block++) {
            float s = layer.absmax(b0 + block);
            IntVector t = CODES_LO.mul(s).reinterpretAsInts(), u = CODES_HI.mul(s).reinterpretAsInts();
            int end = Math.min(start + bs, pairs);
            for (int i = start; i < end; i += 2 * L) {
                IntVector v = bytes(q, chunked(at, stride, i));
                IntVector high = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t, u), low = v.selectFrom(t, u);
                acc = pick(FIRST, high, low).fma(FloatVector.fromArray(S, x, i), acc);
                acc = pick(SECOND, high, low).fma(FloatVector.fromArray(S, x, i + L), acc);
            }
        }
        acc = lastVectors(layer, o, pairs, bound, x, acc);
        return finish(layer, o, acc, x, bound);
    }

    /**
     * The full vectors of columns {@code [from, bound)} that no whole step covers (an odd last vector, or vectors past
     * the row's whole chunks), widened scalar and added in order.
     */
    private static FloatVector lastVectors(Nf4Linear layer, int o, int from, int bound, float[] x, FloatVector acc) {
        for (int col = from; col < bound; col += L) {
            float a = layer.absmax((long) o * layer.blocksPerRow() + col / layer.blockSize());
            acc = scalarVector(layer, o, col, a).fma(FloatVector.fromArray(S, x, col), acc);
        }
        return acc;
    }

    /** Lane sum, then the scalar tail [bound, cols) in order. */
    private static float finish(Nf4Linear layer, int o, FloatVector acc, float[] x, int bound) {
        float s = MatmulKernels.sumLanes(acc);
        int cols = layer.inFeatures();
        for (int i = bound; i < cols; i++) {
            s += scalar(layer, o, i, layer.absmax((long) o * layer.blocksPerRow() + i / layer.blockSize())) * x[i];
        }
        return s;
    }
}
