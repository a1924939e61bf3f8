package org.quantbench.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float matrix kernels with one canonical summation order, so that a GEMV (one token) and a GEMM (a block of
 * tokens) give bit-identical dot products: the K axis is cut into blocks of {@link #K_BLOCK}; inside a block the
 * products are accumulated lane-wise with FMA, reduced across lanes, then the scalar tail is added; block sums are
 * added in order. {@link #dot} is that order written plainly and is the reference the tiles are tested against.
 */
public final class MatmulKernels {
    /** Columns per K-block: a 16-row weight tile of this width stays in L1 while tokens stream past it. */
    public static final int K_BLOCK = 512;

    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();

    private MatmulKernels() {}

    /** The canonical dot product of w[wOff..wOff+n) and x[xOff..xOff+n). */
    public static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        float total = 0f;
        for (int kb = 0; kb < n; kb += K_BLOCK) {
            total += blockDot(w, wOff + kb, x, xOff + kb, Math.min(K_BLOCK, n - kb));
        }
        return total;
    }

    /** One K-block of the canonical order. */
    static float blockDot(float[] w, int wOff, float[] x, int xOff, int len) {
        int bound = S.loopBound(len);
        float sum;
        if (VectorSupport.enabled() && bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (int i = 0; i < bound; i += L) {
                acc = FloatVector.fromArray(S, w, wOff + i).fma(FloatVector.fromArray(S, x, xOff + i), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        } else {
            bound = 0;
            sum = 0f;
        }
        for (int i = bound; i < len; i++) {
            sum += w[wOff + i] * x[xOff + i];
        }
        return sum;
    }

    /**
     * Adds one K-block's contribution of a weight tile to the outputs of a block of tokens:
     * {@code out[t*outStride + o0 + r] (=|+=) dot(w[r*wStride + ..len], x[t*xStride + xOff ..len])} for
     * {@code r < rows}, {@code t < tokens}. {@code first} says whether this is the first K-block (assign).
     */
    public static void tileBlock(float[] w, int wStride, int rows, float[] x, int xStride, int xOff, int len,
                                 int tokens, float[] out, int outStride, int o0, boolean first) {
        int r = 0;
        if (VectorSupport.enabled() && S.loopBound(len) > 0) {
            for (; r + 4 <= rows; r += 4) {
                int t = 0;
                for (; t + 4 <= tokens; t += 4) {
                    tile4x4(w, r * wStride, wStride, x, t * xStride + xOff, xStride, len, out, t * outStride + o0 + r, outStride, first);
                }
                for (; t < tokens; t++) {
                    tile4x1(w, r * wStride, wStride, x, t * xStride + xOff, len, out, t * outStride + o0 + r, first);
                }
            }
        }
        for (; r < rows; r++) {
            for (int t = 0; t < tokens; t++) {
                float s = blockDot(w, r * wStride, x, t * xStride + xOff, len);
                int at = t * outStride + o0 + r;
                out[at] = first ? s : out[at] + s;
            }
        }
    }

    private static void tile4x4(float[] w, int w0, int ws, float[] x, int x0, int xs, int len,
                                float[] out, int outAt, int os, boolean first) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
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
        int bx = x0 + xs, cx = x0 + 2 * xs, dx = x0 + 3 * xs;
        int bw = w0 + ws, cw = w0 + 2 * ws, dw = w0 + 3 * ws;
        int o1 = outAt + os, o2 = outAt + 2 * os, o3 = outAt + 3 * os;
        finish(a00, w, w0, x, x0, bound, len, out, outAt, first);
        finish(a10, w, bw, x, x0, bound, len, out, outAt + 1, first);
        finish(a20, w, cw, x, x0, bound, len, out, outAt + 2, first);
        finish(a30, w, dw, x, x0, bound, len, out, outAt + 3, first);
        finish(a01, w, w0, x, bx, bound, len, out, o1, first);
        finish(a11, w, bw, x, bx, bound, len, out, o1 + 1, first);
        finish(a21, w, cw, x, bx, bound, len, out, o1 + 2, first);
        finish(a31, w, dw, x, bx, bound, len, out, o1 + 3, first);
        finish(a02, w, w0, x, cx, bound, len, out, o2, first);
        finish(a12, w, bw, x, cx, bound, len, out, o2 + 1, first);
        finish(a22, w, cw, x, cx, bound, len, out, o2 + 2, first);
        finish(a32, w, dw, x, cx, bound, len, out, o2 + 3, first);
        finish(a03, w, w0, x, dx, bound, len, out, o3, first);
        finish(a13, w, bw, x, dx, bound, len, out, o3 + 1, first);
        finish(a23, w, cw, x, dx, bound, len, out, o3 + 2, first);
        finish(a33, w, dw, x, dx, bound, len, out, o3 + 3, first);
    }

    /** Lane reduction, then the scalar tail, then the store: the end of one K-block in the canonical order. */
    private static void finish(FloatVector acc, float[] w, int wr, float[] x, int xt, int bound, int len,
                               float[] out, int at, boolean first) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < len; i++) {
            s += w[wr + i] * x[xt + i];
        }
        out[at] = first ? s : out[at] + s;
    }

    private static void tile4x1(float[] w, int w0, int ws, float[] x, int x0, int len,
                                float[] out, int outAt, boolean first) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, x0 + i);
            a0 = FloatVector.fromArray(S, w, w0 + i).fma(xv, a0);
            a1 = FloatVector.fromArray(S, w, w0 + ws + i).fma(xv, a1);
            a2 = FloatVector.fromArray(S, w, w0 + 2 * ws + i).fma(xv, a2);
            a3 = FloatVector.fromArray(S, w, w0 + 3 * ws + i).fma(xv, a3);
        }
        finish(a0, w, w0, x, x0, bound, len, out, outAt, first);
        finish(a1, w, w0 + ws, x, x0, bound, len, out, outAt + 1, first);
        finish(a2, w, w0 + 2 * ws, x, x0, bound, len, out, outAt + 2, first);
        finish(a3, w, w0 + 3 * ws, x, x0, bound, len, out, outAt + 3, first);
    }
}
