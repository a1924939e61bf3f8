package org.quantbench.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float matrix kernels with one canonical summation order, so that a GEMV (one token) and a GEMM (a block of
 * tokens) give bit-identical dot products whatever the thread count or JIT state: over the full vectors of K the
 * products are accumulated lane-wise with FMA in index order, the lanes are summed by a fixed tree
 * ({@link #sumLanes}), then the scalar tail is added in order. With vectors disabled the order is a plain
 * sequential sum. {@link #dot} is that order written plainly and is the reference the tiles are tested against.
 * <p>
 * The GEMM walks K in blocks of {@link #K_BLOCK} so a weight tile stays in L1 while tokens stream past it; the
 * lane accumulators of each (row, token) are parked in a buffer between blocks, so blocking does not change the
 * order.
 */
public final class MatmulKernels {
    /** Columns per K-block: a 16-row weight tile of this width stays in L1. A multiple of every vector length. */
    public static final int K_BLOCK = 512;

    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    /** Shuffles that bring lane i + h to lane i, for h = L/2, L/4, ..., 1. */
    private static final VectorShuffle<Float>[] FOLDS = folds();

    private MatmulKernels() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int s = 0, h = L / 2; s < steps; s++, h /= 2) {
            int half = h;
            f[s] = VectorShuffle.fromOp(S, i -> (i + half) % L);
        }
        return f;
    }

    /** Floats of accumulator state each (row, token) pair needs in {@link #tileBlock}'s buffer. */
    public static int accumulatorWidth() {
        return L;
    }

    /**
     * The sum of the lanes as a fixed tree of lane-wise adds. {@code reduceLanes(ADD)} is not used because its
     * order differs between the interpreter's fallback and C2's intrinsic, so results would depend on JIT timing.
     */
    public static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> fold : FOLDS) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }

    /** The canonical dot product of w[wOff..wOff+n) and x[xOff..xOff+n). */
    public static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        if (!VectorSupport.enabled()) {
            float s = 0f;
            for (int i = 0; i < n; i++) {
                s += w[wOff + i] * x[xOff + i];
            }
            return s;
        }
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            acc = FloatVector.fromArray(S, w, wOff + i).fma(FloatVector.fromArray(S, x, xOff + i), acc);
        }
        return finish(acc, w, wOff, x, xOff, bound, n);
    }

    /** Lane sum, then the scalar tail [bound, n) in order. */
    private static float finish(FloatVector acc, float[] w, int wOff, float[] x, int xOff, int bound, int n) {
        float s = sumLanes(acc);
        for (int i = bound; i < n; i++) {
            s += w[wOff + i] * x[xOff + i];
        }
        return s;
    }

    /**
     * One K-block [xOff, xOff+len) of a GEMM tile: for {@code r < rows}, {@code t < tokens}, accumulates
     * {@code w[r*wStride ..+len) . x[t*xStride + xOff ..+len)} into the state {@code acc[(t*rows + r)*L ..+L)};
     * {@code first} starts the state at zero, {@code last} finishes it into
     * {@code out[t*outStride + o0 + r]}. Blocks must be visited in order and only the last may be ragged.
     */
    public static void tileBlock(float[] w, int wStride, int rows, float[] x, int xStride, int xOff, int len,
                                 int tokens, float[] acc, float[] out, int outStride, int o0, boolean first, boolean last) {
        if (!VectorSupport.enabled()) {
            scalarBlock(w, wStride, rows, x, xStride, xOff, len, tokens, acc, out, outStride, o0, first, last);
            return;
        }
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                tile4x4(w, r * wStride, wStride, x, t * xStride + xOff, xStride, len, acc, (t * rows + r) * L, rows * L,
                        out, t * outStride + o0 + r, outStride, first, last);
            }
            for (; t < tokens; t++) {
                tile4x1(w, r * wStride, wStride, x, t * xStride + xOff, len, acc, (t * rows + r) * L,
                        out, t * outStride + o0 + r, first, last);
            }
        }
        for (; r < rows; r++) {
            for (int t = 0; t < tokens; t++) {
                int a = (t * rows + r) * L;
                int wr = r * wStride;
                int xt = t * xStride + xOff;
                FloatVector v = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, a);
                int bound = S.loopBound(len);
                for (int i = 0; i < bound; i += L) {
                    v = FloatVector.fromArray(S, w, wr + i).fma(FloatVector.fromArray(S, x, xt + i), v);
                }
                if (last) {
                    out[t * outStride + o0 + r] = finish(v, w, wr, x, xt, bound, len);
                } else {
                    v.intoArray(acc, a);
                }
            }
        }
    }

    private static void scalarBlock(float[] w, int wStride, int rows, float[] x, int xStride, int xOff, int len,
                                    int tokens, float[] acc, float[] out, int outStride, int o0, boolean first, boolean last) {
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < tokens; t++) {
                int a = (t * rows + r) * L;
                float s = first ? 0f : acc[a];
                for (int i = 0; i < len; i++) {
                    s += w[r * wStride + i] * x[t * xStride + xOff + i];
                }
                if (last) {
                    out[t * outStride + o0 + r] = s;
                } else {
                    acc[a] = s;
                }
            }
        }
    }

    private static FloatVector load(float[] acc, int at, boolean first) {
        return first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, at);
    }

    private static void tile4x4(float[] w, int w0, int ws, float[] x, int x0, int xs, int len, float[] acc, int a0, int as,
                                float[] out, int outAt, int os, boolean first, boolean last) {
        FloatVector a00 = load(acc, a0, first), a10 = load(acc, a0 + L, first), a20 = load(acc, a0 + 2 * L, first), a30 = load(acc, a0 + 3 * L, first);
        int b0 = a0 + as, c0 = a0 + 2 * as, d0 = a0 + 3 * as;
        FloatVector a01 = load(acc, b0, first), a11 = load(acc, b0 + L, first), a21 = load(acc, b0 + 2 * L, first), a31 = load(acc, b0 + 3 * L, first);
        FloatVector a02 = load(acc, c0, first), a12 = load(acc, c0 + L, first), a22 = load(acc, c0 + 2 * L, first), a32 = load(acc, c0 + 3 * L, first);
        FloatVector a03 = load(acc, d0, first), a13 = load(acc, d0 + L, first), a23 = load(acc, d0 + 2 * L, first), a33 = load(acc, d0 + 3 * L, first);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            FloatVector w0v = FloatVector.fromArray(S, w, w0 + i);
            FloatVector w1v = FloatVector.fromArray(S, w, w0 + ws + i);
            FloatVector w2v = FloatVector.fromArray(S, w, w0 + 2 * ws + i);
            FloatVector w3v = FloatVector.fromArray(S, w, w0 + 3 * ws + i);
            FloatVector xv = FloatVector.fromArray(S, x, x0 + i);
            a00 = w0v.fma(xv, a00); a10 = w1v.fma(xv, a10); a20 = w2v.fma(xv, a20); a30 = w3v.fma(xv, a30);
            xv = FloatVector.fromArray(S, x, x0 + xs + i);
            a01 = w0v.fma(xv, a01); a11 = w1v.fma(xv, a11); a21 = w2v.fma(xv, a21); a31 = w3v.fma(xv, a31);
            xv = FloatVector.fromArray(S, x, x0 + 2 * xs + i);
            a02 = w0v.fma(xv, a02); a12 = w1v.fma(xv, a12); a22 = w2v.fma(xv, a22); a32 = w3v.fma(xv, a32);
            xv = FloatVector.fromArray(S, x, x0 + 3 * xs + i);
            a03 = w0v.fma(xv, a03); a13 = w1v.fma(xv, a13); a23 = w2v.fma(xv, a23); a33 = w3v.fma(xv, a33);
        }
        int w1 = w0 + ws, w2 = w0 + 2 * ws, w3 = w0 + 3 * ws;
        int x1 = x0 + xs, x2 = x0 + 2 * xs, x3 = x0 + 3 * xs;
        int o1 = outAt + os, o2 = outAt + 2 * os, o3 = outAt + 3 * os;
        end(a00, acc, a0, w, w0, x, x0, bound, len, out, outAt, last);
        end(a10, acc, a0 + L, w, w1, x, x0, bound, len, out, outAt + 1, last);
        end(a20, acc, a0 + 2 * L, w, w2, x, x0, bound, len, out, outAt + 2, last);
        end(a30, acc, a0 + 3 * L, w, w3, x, x0, bound, len, out, outAt + 3, last);
        end(a01, acc, b0, w, w0, x, x1, bound, len, out, o1, last);
        end(a11, acc, b0 + L, w, w1, x, x1, bound, len, out, o1 + 1, last);
        end(a21, acc, b0 + 2 * L, w, w2, x, x1, bound, len, out, o1 + 2, last);
        end(a31, acc, b0 + 3 * L, w, w3, x, x1, bound, len, out, o1 + 3, last);
        end(a02, acc, c0, w, w0, x, x2, bound, len, out, o2, last);
        end(a12, acc, c0 + L, w, w1, x, x2, bound, len, out, o2 + 1, last);
        end(a22, acc, c0 + 2 * L, w, w2, x, x2, bound, len, out, o2 + 2, last);
        end(a32, acc, c0 + 3 * L, w, w3, x, x2, bound, len, out, o2 + 3, last);
        end(a03, acc, d0, w, w0, x, x3, bound, len, out, o3, last);
        end(a13, acc, d0 + L, w, w1, x, x3, bound, len, out, o3 + 1, last);
        end(a23, acc, d0 + 2 * L, w, w2, x, x3, bound, len, out, o3 + 2, last);
        end(a33, acc, d0 + 3 * L, w, w3, x, x3, bound, len, out, o3 + 3, last);
    }

    private static void tile4x1(float[] w, int w0, int ws, float[] x, int x0, int len, float[] acc, int a0,
                                float[] out, int outAt, boolean first, boolean last) {
        FloatVector v0 = load(acc, a0, first), v1 = load(acc, a0 + L, first), v2 = load(acc, a0 + 2 * L, first), v3 = load(acc, a0 + 3 * L, first);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, x0 + i);
            v0 = FloatVector.fromArray(S, w, w0 + i).fma(xv, v0);
            v1 = FloatVector.fromArray(S, w, w0 + ws + i).fma(xv, v1);
            v2 = FloatVector.fromArray(S, w, w0 + 2 * ws + i).fma(xv, v2);
            v3 = FloatVector.fromArray(S, w, w0 + 3 * ws + i).fma(xv, v3);
        }
        end(v0, acc, a0, w, w0, x, x0, bound, len, out, outAt, last);
        end(v1, acc, a0 + L, w, w0 + ws, x, x0, bound, len, out, outAt + 1, last);
        end(v2, acc, a0 + 2 * L, w, w0 + 2 * ws, x, x0, bound, len, out, outAt + 2, last);
        end(v3, acc, a0 + 3 * L, w, w0 + 3 * ws, x, x0, bound, len, out, outAt + 3, last);
    }

    /** Parks the accumulator for the next K-block, or on the last block finishes it into the output. */
    private static void end(FloatVector v, float[] acc, int at, float[] w, int wr, float[] x, int xt, int bound, int len,
                            float[] out, int outAt, boolean last) {
        if (last) {
            out[outAt] = finish(v, w, wr, x, xt, bound, len);
        } else {
            v.intoArray(acc, at);
        }
    }
}
