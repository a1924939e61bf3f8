package org.quantbench.quant.ggml;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.quantbench.quant.RowInterleave;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.MatmulKernels;

import java.lang.foreign.MemorySegment;

import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.B16;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.CENTERED;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.CODES;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.F16;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.I;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.L;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.LE;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.QK;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.S;
import static org.quantbench.quant.ggml.GgmlBlockDecoder.WIDE;

/**
 * Fused matrix-vector products over ggml blocks for one token: each block's quants are unpacked and scaled in
 * registers to exactly the floats of the scalar reference, then FMA'd lane-wise into one accumulator per row in
 * index order (element i in lane i % L). With 32 | cols and L | 32 a row is whole vectors, so that is
 * {@link MatmulKernels}' canonical order and the outputs equal the GEMM path's bit for bit.
 * <p>
 * 16 lanes run the four rows of a {@link RowInterleave} group in flight, sharing the activation vectors and reading
 * the group's interleaved blocks as one stream, and look each nibble up in a per-block table of its 16 possible
 * weights (one permute per 16 weights). 8 lanes run two rows and unpack arithmetically: their
 * unpacking takes twice the operations per weight, four rows measured no faster, and two-vector table lookups are
 * slow on AVX2. Rows outside whole groups are widened into a scratch row and dotted in the same order.
 * <p>
 * As in {@link GgmlBlockDecoder}, the loops call only the Vector API's force-inlined methods, and accumulators leave
 * through an array, so no vector crosses a call that C2 might not inline (it would be boxed).
 * <p>
 * The canonical order costs nothing measurable with four rows in flight: that loop is bound by vector throughput,
 * not by the FMA latency of one accumulator per row (two accumulators per row measured the same).
 */
final class GgmlGemv {
    /** Rows the 16-lane kernels take at once: the group size of the layers' {@link RowInterleave}. */
    static final int ROWS = 4;

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[4 * L]);
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private GgmlGemv() {}

    /** Whether fused kernels exist for the vector width in use (16 or 8 float lanes). */
    static boolean available() {
        return GgmlBlockDecoder.WIDE || GgmlBlockDecoder.NARROW;
    }

    /**
     * {@code out[o0 + r] = row (o0 + r) . x} for {@code r < rows}, the weights in {@code layout}; only when
     * {@link #available()}. Rows of a group run together (16 lanes: the whole group, one stream; 8 lanes: two rows);
     * rows outside whole groups, or before the first group boundary, take {@link #viaRow}.
     */
    static void gemv(DType type, MemorySegment w, RowInterleave layout, int o0, int rows, float[] x, int cols, float[] out) {
        int blocks = cols / QK;
        float[] lanes = LANES.get();
        int end = o0 + rows;
        int groupedEnd = Math.min(end, layout.groupedRows());
        long bb = layout.chunkBytes();
        long bs = ROWS * bb;
        int r = o0;
        for (; r < end && r % ROWS != 0; r++) {
            out[r] = viaRow(type, w, layout, r, x, cols);
        }
        int step = WIDE ? ROWS : 2;
        for (; r + step <= groupedEnd; r += step) {
            long at = layout.offset(r, 0);
            if (WIDE) {
                switch (type) {
                    case Q8_0 -> q8_0x4w16(w, at, bb, bs, x, blocks, lanes);
                    case Q4_0 -> q4_0x4w16(w, at, bb, bs, x, blocks, lanes);
                    case Q4_1 -> q4_1x4w16(w, at, bb, bs, x, blocks, lanes);
                    default -> throw new IllegalArgumentException("not a ggml 32-weight block type: " + type);
                }
            } else {
                switch (type) {
                    case Q8_0 -> q8_0x2w8(w, at, bb, bs, x, blocks, lanes);
                    case Q4_0 -> q4_0x2w8(w, at, bb, bs, x, blocks, lanes);
                    case Q4_1 -> q4_1x2w8(w, at, bb, bs, x, blocks, lanes);
                    default -> throw new IllegalArgumentException("not a ggml 32-weight block type: " + type);
                }
            }
            for (int k = 0; k < step; k++) {
                out[r + k] = MatmulKernels.sumLanes(FloatVector.fromArray(S, lanes, k * L));
            }
        }
        for (; r < end; r++) {
            out[r] = viaRow(type, w, layout, r, x, cols);
        }
    }

    /** The reference route for one row: widen it, then the canonical dot. Works at any vector width or none. */
    static float viaRow(DType type, MemorySegment w, RowInterleave layout, int row, float[] x, int cols) {
        float[] buf = ROW.get();
        if (buf.length < cols) {
            buf = new float[cols];
            ROW.set(buf);
        }
        GgmlBlockDecoder.decode(type, w, layout.offset(row, 0), layout.chunkStride(row), buf, 0, cols);
        return MatmulKernels.dot(buf, 0, x, 0, cols);
    }

    // ---- 16 lanes, four rows: block b of row k at at + k*s + b*bs; a block is two vectors ----

    private static void q4_0x4w16(MemorySegment w, long at, long s, long bs, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        long at1 = at + s, at2 = at + 2 * s, at3 = at + 3 * s;
        for (int b = 0; b < blocks; b++) {
            long p = bs * b;
            FloatVector x0 = FloatVector.fromArray(S, x, QK * b);
            FloatVector x1 = FloatVector.fromArray(S, x, QK * b + 16);
            IntVector t0 = CENTERED.mul(Float.float16ToFloat(w.get(F16, at + p))).reinterpretAsInts();
            IntVector t1 = CENTERED.mul(Float.float16ToFloat(w.get(F16, at1 + p))).reinterpretAsInts();
            IntVector t2 = CENTERED.mul(Float.float16ToFloat(w.get(F16, at2 + p))).reinterpretAsInts();
            IntVector t3 = CENTERED.mul(Float.float16ToFloat(w.get(F16, at3 + p))).reinterpretAsInts();
            IntVector q0 = (IntVector) ByteVector.fromMemorySegment(B16, w, at + p + 2, LE).convertShape(B2I, I, 0);
            IntVector q1 = (IntVector) ByteVector.fromMemorySegment(B16, w, at1 + p + 2, LE).convertShape(B2I, I, 0);
            IntVector q2 = (IntVector) ByteVector.fromMemorySegment(B16, w, at2 + p + 2, LE).convertShape(B2I, I, 0);
            IntVector q3 = (IntVector) ByteVector.fromMemorySegment(B16, w, at3 + p + 2, LE).convertShape(B2I, I, 0);
            a0 = q0.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
            a1 = q1.selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
            a2 = q2.selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
            a3 = q3.selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
            a0 = q0.lanewise(LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
            a1 = q1.lanewise(LSHR, 4).selectFrom(t1).reinterpretAsFloats().fma(x1, a1);
            a2 = q2.lanewise(LSHR, 4).selectFrom(t2).reinterpretAsFloats().fma(x1, a2);
            a3 = q3.lanewise(LSHR, 4).selectFrom(t3).reinterpretAsFloats().fma(x1, a3);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
        a2.intoArray(lanes, 2 * L);
        a3.intoArray(lanes, 3 * L);
    }

    private static void q4_1x4w16(MemorySegment w, long at, long s, long bs, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        long at1 = at + s, at2 = at + 2 * s, at3 = at + 3 * s;
        for (int b = 0; b < blocks; b++) {
            long p = bs * b;
            FloatVector x0 = FloatVector.fromArray(S, x, QK * b);
            FloatVector x1 = FloatVector.fromArray(S, x, QK * b + 16);
            IntVector t0 = CODES.fma(Float.float16ToFloat(w.get(F16, at + p)), Float.float16ToFloat(w.get(F16, at + p + 2))).reinterpretAsInts();
            IntVector t1 = CODES.fma(Float.float16ToFloat(w.get(F16, at1 + p)), Float.float16ToFloat(w.get(F16, at1 + p + 2))).reinterpretAsInts();
            IntVector t2 = CODES.fma(Float.float16ToFloat(w.get(F16, at2 + p)), Float.float16ToFloat(w.get(F16, at2 + p + 2))).reinterpretAsInts();
            IntVector t3 = CODES.fma(Float.float16ToFloat(w.get(F16, at3 + p)), Float.float16ToFloat(w.get(F16, at3 + p + 2))).reinterpretAsInts();
            IntVector q0 = (IntVector) ByteVector.fromMemorySegment(B16, w, at + p + 4, LE).convertShape(B2I, I, 0);
            IntVector q1 = (IntVector) ByteVector.fromMemorySegment(B16, w, at1 + p + 4, LE).convertShape(B2I, I, 0);
            IntVector q2 = (IntVector) ByteVector.fromMemorySegment(B16, w, at2 + p + 4, LE).convertShape(B2I, I, 0);
            IntVector q3 = (IntVector) ByteVector.fromMemorySegment(B16, w, at3 + p + 4, LE).convertShape(B2I, I, 0);
            a0 = q0.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
            a1 = q1.selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
            a2 = q2.selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
            a3 = q3.selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
            a0 = q0.lanewise(LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
            a1 = q1.lanewise(LSHR, 4).selectFrom(t1).reinterpretAsFloats().fma(x1, a1);
            a2 = q2.lanewise(LSHR, 4).selectFrom(t2).reinterpretAsFloats().fma(x1, a2);
            a3 = q3.lanewise(LSHR, 4).selectFrom(t3).reinterpretAsFloats().fma(x1, a3);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
        a2.intoArray(lanes, 2 * L);
        a3.intoArray(lanes, 3 * L);
    }

    private static void q8_0x4w16(MemorySegment w, long at, long s, long bs, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        long at1 = at + s, at2 = at + 2 * s, at3 = at + 3 * s;
        for (int b = 0; b < blocks; b++) {
            long p = bs * b;
            FloatVector x0 = FloatVector.fromArray(S, x, QK * b);
            FloatVector x1 = FloatVector.fromArray(S, x, QK * b + 16);
            float d0 = Float.float16ToFloat(w.get(F16, at + p)), d1 = Float.float16ToFloat(w.get(F16, at1 + p));
            float d2 = Float.float16ToFloat(w.get(F16, at2 + p)), d3 = Float.float16ToFloat(w.get(F16, at3 + p));
            a0 = ((FloatVector) ByteVector.fromMemorySegment(B16, w, at + p + 2, LE).convertShape(B2F, S, 0)).mul(d0).fma(x0, a0);
            a1 = ((FloatVector) ByteVector.fromMemorySegment(B16, w, at1 + p + 2, LE).convertShape(B2F, S, 0)).mul(d1).fma(x0, a1);
            a2 = ((FloatVector) ByteVector.fromMemorySegment(B16, w, at2 + p + 2, LE).convertShape(B2F, S, 0)).mul(d2).fma(x0, a2);
            a3 = ((FloatVector) ByteVector.fromMemorySegment(B16, w, at3 + p + 2, LE).convertShape(B2F, S, 0)).mul(d3).fma(x0, a3);
            a0 = ((FloatVector) ByteVector.fromMemorySegment(B16, w, at + p + 18, LE).convertShape(B2F, S, 0)).mul(d0).fma(x1, a0);
            a1 = ((FloatVector) ByteVector.fromMemorySegment(B16, w, at1 + p + 18, LE).convertShape(B2F, S, 0)).mul(d1).fma(x1, a1);
            a2 = ((FloatVector) ByteVector.fromMemorySegment(B16, w, at2 + p + 18, LE).convertShape(B2F, S, 0)).mul(d2).fma(x1, a2);
            a3 = ((FloatVector) ByteVector.fromMemorySegment(B16, w, at3 + p + 18, LE).convertShape(B2F, S, 0)).mul(d3).fma(x1, a3);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
        a2.intoArray(lanes, 2 * L);
        a3.intoArray(lanes, 3 * L);
    }

    // ---- 8 lanes, two rows: block b of row k at at + k*s + b*bs; a block is four vectors, parts 0 and 1 of each 16-byte load ----

    private static void q4_0x2w8(MemorySegment w, long at, long s, long bs, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        long at1 = at + s;
        for (int b = 0; b < blocks; b++) {
            long p = bs * b;
            int i = QK * b;
            FloatVector x0 = FloatVector.fromArray(S, x, i), x1 = FloatVector.fromArray(S, x, i + 8);
            FloatVector x2 = FloatVector.fromArray(S, x, i + 16), x3 = FloatVector.fromArray(S, x, i + 24);
            float d0 = Float.float16ToFloat(w.get(F16, at + p)), d1 = Float.float16ToFloat(w.get(F16, at1 + p));
            ByteVector packed0 = ByteVector.fromMemorySegment(B16, w, at + p + 2, LE);
            ByteVector packed1 = ByteVector.fromMemorySegment(B16, w, at1 + p + 2, LE);
            IntVector q00 = (IntVector) packed0.convertShape(B2I, I, 0), q01 = (IntVector) packed0.convertShape(B2I, I, 1);
            IntVector q10 = (IntVector) packed1.convertShape(B2I, I, 0), q11 = (IntVector) packed1.convertShape(B2I, I, 1);
            a0 = ((FloatVector) q00.and(0xF).sub(8).convert(I2F, 0)).mul(d0).fma(x0, a0);
            a1 = ((FloatVector) q10.and(0xF).sub(8).convert(I2F, 0)).mul(d1).fma(x0, a1);
            a0 = ((FloatVector) q01.and(0xF).sub(8).convert(I2F, 0)).mul(d0).fma(x1, a0);
            a1 = ((FloatVector) q11.and(0xF).sub(8).convert(I2F, 0)).mul(d1).fma(x1, a1);
            a0 = ((FloatVector) q00.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0)).mul(d0).fma(x2, a0);
            a1 = ((FloatVector) q10.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0)).mul(d1).fma(x2, a1);
            a0 = ((FloatVector) q01.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0)).mul(d0).fma(x3, a0);
            a1 = ((FloatVector) q11.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0)).mul(d1).fma(x3, a1);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
    }

    private static void q4_1x2w8(MemorySegment w, long at, long s, long bs, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        long at1 = at + s;
        for (int b = 0; b < blocks; b++) {
            long p = bs * b;
            int i = QK * b;
            FloatVector x0 = FloatVector.fromArray(S, x, i), x1 = FloatVector.fromArray(S, x, i + 8);
            FloatVector x2 = FloatVector.fromArray(S, x, i + 16), x3 = FloatVector.fromArray(S, x, i + 24);
            float d0 = Float.float16ToFloat(w.get(F16, at + p)), d1 = Float.float16ToFloat(w.get(F16, at1 + p));
            float m0 = Float.float16ToFloat(w.get(F16, at + p + 2)), m1 = Float.float16ToFloat(w.get(F16, at1 + p + 2));
            ByteVector packed0 = ByteVector.fromMemorySegment(B16, w, at + p + 4, LE);
            ByteVector packed1 = ByteVector.fromMemorySegment(B16, w, at1 + p + 4, LE);
            IntVector q00 = (IntVector) packed0.convertShape(B2I, I, 0), q01 = (IntVector) packed0.convertShape(B2I, I, 1);
            IntVector q10 = (IntVector) packed1.convertShape(B2I, I, 0), q11 = (IntVector) packed1.convertShape(B2I, I, 1);
            a0 = ((FloatVector) q00.and(0xF).convert(I2F, 0)).fma(d0, m0).fma(x0, a0);
            a1 = ((FloatVector) q10.and(0xF).convert(I2F, 0)).fma(d1, m1).fma(x0, a1);
            a0 = ((FloatVector) q01.and(0xF).convert(I2F, 0)).fma(d0, m0).fma(x1, a0);
            a1 = ((FloatVector) q11.and(0xF).convert(I2F, 0)).fma(d1, m1).fma(x1, a1);
            a0 = ((FloatVector) q00.lanewise(LSHR, 4).and(0xF).convert(I2F, 0)).fma(d0, m0).fma(x2, a0);
            a1 = ((FloatVector) q10.lanewise(LSHR, 4).and(0xF).convert(I2F, 0)).fma(d1, m1).fma(x2, a1);
            a0 = ((FloatVector) q01.lanewise(LSHR, 4).and(0xF).convert(I2F, 0)).fma(d0, m0).fma(x3, a0);
            a1 = ((FloatVector) q11.lanewise(LSHR, 4).and(0xF).convert(I2F, 0)).fma(d1, m1).fma(x3, a1);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
    }

    private static void q8_0x2w8(MemorySegment w, long at, long s, long bs, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        long at1 = at + s;
        for (int b = 0; b < blocks; b++) {
            long p = bs * b;
            int i = QK * b;
            FloatVector x0 = FloatVector.fromArray(S, x, i), x1 = FloatVector.fromArray(S, x, i + 8);
            FloatVector x2 = FloatVector.fromArray(S, x, i + 16), x3 = FloatVector.fromArray(S, x, i + 24);
            float d0 = Float.float16ToFloat(w.get(F16, at + p)), d1 = Float.float16ToFloat(w.get(F16, at1 + p));
            ByteVector lo0 = ByteVector.fromMemorySegment(B16, w, at + p + 2, LE), hi0 = ByteVector.fromMemorySegment(B16, w, at + p + 18, LE);
            ByteVector lo1 = ByteVector.fromMemorySegment(B16, w, at1 + p + 2, LE), hi1 = ByteVector.fromMemorySegment(B16, w, at1 + p + 18, LE);
            a0 = ((FloatVector) lo0.convertShape(B2F, S, 0)).mul(d0).fma(x0, a0);
            a1 = ((FloatVector) lo1.convertShape(B2F, S, 0)).mul(d1).fma(x0, a1);
            a0 = ((FloatVector) lo0.convertShape(B2F, S, 1)).mul(d0).fma(x1, a0);
            a1 = ((FloatVector) lo1.convertShape(B2F, S, 1)).mul(d1).fma(x1, a1);
            a0 = ((FloatVector) hi0.convertShape(B2F, S, 0)).mul(d0).fma(x2, a0);
            a1 = ((FloatVector) hi1.convertShape(B2F, S, 0)).mul(d1).fma(x2, a1);
            a0 = ((FloatVector) hi0.convertShape(B2F, S, 1)).mul(d0).fma(x3, a0);
            a1 = ((FloatVector) hi1.convertShape(B2F, S, 1)).mul(d1).fma(x3, a1);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
    }
}
