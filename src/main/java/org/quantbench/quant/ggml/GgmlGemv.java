package org.quantbench.quant.ggml;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * 16 lanes run rows of up to {@link #ONE_ROW_MAX_COLS} columns one at a time (one stream from memory; then the
 * chain of FMAs of one accumulator bounds the loop when the weights sit in cache) and longer rows four in flight,
 * sharing the activation vectors; both look each nibble up in a per-block table of its 16 possible weights (one
 * permute per 16 weights). 8 lanes run two rows and unpack arithmetically: their
 * unpacking takes twice the operations per weight, four rows measured no faster, and two-vector table lookups are
 * slow on AVX2. Rows left over in a chunk are widened into a scratch row and dotted in the same order.
 * <p>
 * As in {@link GgmlBlockDecoder}, the loops call only the Vector API's force-inlined methods, and accumulators leave
 * through an array, so no vector crosses a call that C2 might not inline (it would be boxed).
 * <p>
 * The canonical order costs nothing measurable with four rows in flight: that loop is bound by vector throughput,
 * not by the FMA latency of one accumulator per row (two accumulators per row measured the same).
 */
final class GgmlGemv {
    /**
     * Rows of at most this many columns run one at a time. Read from memory (a decoded token streams every weight
     * once), four short rows side by side are four short streams the hardware prefetchers follow badly: 2,048-column
     * Q4_0 rows ran at 19-24 weights/ns four at a time and 34 one at a time on a 2-core Zen 5 (docs/benchmarks.md,
     * session 13); longer rows keep four in flight (25 against 34 the other way round at 8,192 columns). Each row sums
     * in the same order either way.
     */
    static final int ONE_ROW_MAX_COLS = 4096;

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[4 * L]);
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private GgmlGemv() {}

    /** Whether fused kernels exist for the vector width in use (16 or 8 float lanes). */
    static boolean available() {
        return GgmlBlockDecoder.WIDE || GgmlBlockDecoder.NARROW;
    }

    /** {@code out[o0 + r] = row (o0 + r) . x} for {@code r < rows}; only when {@link #available()}. */
    static void gemv(DType type, MemorySegment w, long rowBytes, int o0, int rows, float[] x, int cols, float[] out) {
        int blocks = cols / QK;
        float[] lanes = LANES.get();
        if (WIDE && cols <= ONE_ROW_MAX_COLS) {
            for (int r = 0; r < rows; r++) {
                long at = (o0 + r) * rowBytes;
                switch (type) {
                    case Q8_0 -> q8_0x1w16(w, at, x, blocks, lanes);
                    case Q4_0 -> q4_0x1w16(w, at, x, blocks, lanes);
                    case Q4_1 -> q4_1x1w16(w, at, x, blocks, lanes);
                    default -> throw new IllegalArgumentException("not a ggml 32-weight block type: " + type);
                }
                out[o0 + r] = MatmulKernels.sumLanes(FloatVector.fromArray(S, lanes, 0));
            }
            return;
        }
        int group = WIDE ? 4 : 2;
        int r = 0;
        for (; r + group <= rows; r += group) {
            long at = (o0 + r) * rowBytes;
            if (WIDE) {
                switch (type) {
                    case Q8_0 -> q8_0x4w16(w, at, rowBytes, x, blocks, lanes);
                    case Q4_0 -> q4_0x4w16(w, at, rowBytes, x, blocks, lanes);
                    case Q4_1 -> q4_1x4w16(w, at, rowBytes, x, blocks, lanes);
                    default -> throw new IllegalArgumentException("not a ggml 32-weight block type: " + type);
                }
            } else {
                switch (type) {
                    case Q8_0 -> q8_0x2w8(w, at, rowBytes, x, blocks, lanes);
                    case Q4_0 -> q4_0x2w8(w, at, rowBytes, x, blocks, lanes);
                    case Q4_1 -> q4_1x2w8(w, at, rowBytes, x, blocks, lanes);
                    default -> throw new IllegalArgumentException("not a ggml 32-weight block type: " + type);
                }
            }
            for (int k = 0; k < group; k++) {
                out[o0 + r + k] = MatmulKernels.sumLanes(FloatVector.fromArray(S, lanes, k * L));
            }
        }
        for (; r < rows; r++) {
            out[o0 + r] = viaRow(type, w, (o0 + r) * rowBytes, x, cols);
        }
    }

    /** The reference route for one row: widen it, then the canonical dot. Works at any vector width or none. */
    static float viaRow(DType type, MemorySegment w, long at, float[] x, int cols) {
        float[] row = ROW.get();
        if (row.length < cols) {
            row = new float[cols];
            ROW.set(row);
        }
        GgmlBlockDecoder.decode(type, w, at, row, 0, cols);
        return MatmulKernels.dot(row, 0, x, 0, cols);
    }

    // ---- 16 lanes, one row: a block is two vectors, the row one stream ----

    private static void q4_0x1w16(MemorySegment w, long at, float[] x, int blocks, float[] lanes) {
        FloatVector a = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long p = at + 18L * b;
            IntVector t = CENTERED.mul(Float.float16ToFloat(w.get(F16, p))).reinterpretAsInts();
            IntVector q = (IntVector) ByteVector.fromMemorySegment(B16, w, p + 2, LE).convertShape(B2I, I, 0);
            a = q.selectFrom(t).reinterpretAsFloats().fma(FloatVector.fromArray(S, x, QK * b), a);
            a = q.lanewise(LSHR, 4).selectFrom(t).reinterpretAsFloats().fma(FloatVector.fromArray(S, x, QK * b + 16), a);
        }
        a.intoArray(lanes, 0);
    }

    private static void q4_1x1w16(MemorySegment w, long at, float[] x, int blocks, float[] lanes) {
        FloatVector a = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long p = at + 20L * b;
            IntVector t = CODES.fma(Float.float16ToFloat(w.get(F16, p)), Float.float16ToFloat(w.get(F16, p + 2))).reinterpretAsInts();
            IntVector q = (IntVector) ByteVector.fromMemorySegment(B16, w, p + 4, LE).convertShape(B2I, I, 0);
            a = q.selectFrom(t).reinterpretAsFloats().fma(FloatVector.fromArray(S, x, QK * b), a);
            a = q.lanewise(LSHR, 4).selectFrom(t).reinterpretAsFloats().fma(FloatVector.fromArray(S, x, QK * b + 16), a);
        }
        a.intoArray(lanes, 0);
    }

    private static void q8_0x1w16(MemorySegment w, long at, float[] x, int blocks, float[] lanes) {
        FloatVector a = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long p = at + 34L * b;
            float d = Float.float16ToFloat(w.get(F16, p));
            a = ((FloatVector) ByteVector.fromMemorySegment(B16, w, p + 2, LE).convertShape(B2F, S, 0)).mul(d)
                    .fma(FloatVector.fromArray(S, x, QK * b), a);
            a = ((FloatVector) ByteVector.fromMemorySegment(B16, w, p + 18, LE).convertShape(B2F, S, 0)).mul(d)
                    .fma(FloatVector.fromArray(S, x, QK * b + 16), a);
        }
        a.intoArray(lanes, 0);
    }

    // ---- 16 lanes, four rows at {at, at+s, at+2s, at+3s}: a block is two vectors ----

    private static void q4_0x4w16(MemorySegment w, long at, long s, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        long at1 = at + s, at2 = at + 2 * s, at3 = at + 3 * s;
        for (int b = 0; b < blocks; b++) {
            long p = 18L * b;
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

    private static void q4_1x4w16(MemorySegment w, long at, long s, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        long at1 = at + s, at2 = at + 2 * s, at3 = at + 3 * s;
        for (int b = 0; b < blocks; b++) {
            long p = 20L * b;
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

    private static void q8_0x4w16(MemorySegment w, long at, long s, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        long at1 = at + s, at2 = at + 2 * s, at3 = at + 3 * s;
        for (int b = 0; b < blocks; b++) {
            long p = 34L * b;
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

    // ---- 8 lanes, two rows at {at, at+s}: a block is four vectors, parts 0 and 1 of each 16-byte load ----

    private static void q4_0x2w8(MemorySegment w, long at, long s, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        long at1 = at + s;
        for (int b = 0; b < blocks; b++) {
            long p = 18L * b;
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

    private static void q4_1x2w8(MemorySegment w, long at, long s, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        long at1 = at + s;
        for (int b = 0; b < blocks; b++) {
            long p = 20L * b;
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

    private static void q8_0x2w8(MemorySegment w, long at, long s, float[] x, int blocks, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        long at1 = at + s;
        for (int b = 0; b < blocks; b++) {
            long p = 34L * b;
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
