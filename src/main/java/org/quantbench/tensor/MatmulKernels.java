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
 * lane accumulators of each (row, token) live in a buffer between blocks, so blocking does not change the order.
 */
public final class MatmulKernels {
    /** Columns per K-block: a 16-row weight tile of this width stays in L1. A multiple of every vector length. */
    public static final int K_BLOCK = 512;

    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    // Shuffles that bring lane i + h to lane i. Static finals, so C2 sees constants and emits one permute each.
    private static final VectorShuffle<Float> FOLD8 = fold(8);
    private static final VectorShuffle<Float> FOLD4 = fold(4);
    private static final VectorShuffle<Float> FOLD2 = fold(2);
    private static final VectorShuffle<Float> FOLD1 = fold(1);

    private MatmulKernels() {}

    private static VectorShuffle<Float> fold(int h) {
        return VectorShuffle.fromOp(S, i -> (i + h) % L);
    }

    /** Floats of accumulator state each (row, token) pair needs in {@link #tileBlock}'s buffer. */
    public static int accumulatorWidth() {
        return L;
    }

    /**
     * The sum of the lanes (4, 8 or 16 of them) as a fixed tree of lane-wise adds. {@code reduceLanes(ADD)} is not used because its
     * order differs between the interpreter's fallback and C2's intrinsic, so results would depend on JIT timing.
     */
    public static float sumLanes(FloatVector v) {
        if (L >= 16) {
            v = v.add(v.rearrange(FOLD8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(FOLD4));
        }
        v = v.add(v.rearrange(FOLD2));
        v = v.add(v.rearrange(FOLD1));
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

    /**
     * Four {@link #dot}s sharing one operand: {@code out[outOff + r] = dot(x, xOff, w, wOff_r, n)} for r = 0..3, bit
     * for bit (each keeps its own accumulator and order; products commute exactly). Four independent FMA chains
     * instead of one hide the FMA latency that bounds a single dot.
     */
    public static void dot4(float[] x, int xOff, float[] w, int w0, int w1, int w2, int w3, int n, float[] out, int outOff) {
        if (!VectorSupport.enabled()) {
            out[outOff] = dot(w, w0, x, xOff, n);
            out[outOff + 1] = dot(w, w1, x, xOff, n);
            out[outOff + 2] = dot(w, w2, x, xOff, n);
            out[outOff + 3] = dot(w, w3, x, xOff, n);
            return;
        }
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
            a0 = FloatVector.fromArray(S, w, w0 + i).fma(xv, a0);
            a1 = FloatVector.fromArray(S, w, w1 + i).fma(xv, a1);
            a2 = FloatVector.fromArray(S, w, w2 + i).fma(xv, a2);
            a3 = FloatVector.fromArray(S, w, w3 + i).fma(xv, a3);
        }
        out[outOff] = finish(a0, w, w0, x, xOff, bound, n);
        out[outOff + 1] = finish(a1, w, w1, x, xOff, bound, n);
        out[outOff + 2] = finish(a2, w, w2, x, xOff, bound, n);
        out[outOff + 3] = finish(a3, w, w3, x, xOff, bound, n);
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
     * {@code w[wOff + r*wStride ..+len) . x[t*xStride + xOff ..+len)} lane-wise into the state
     * {@code acc[(t*rows + r)*L ..+L)}, which starts zeroed. Blocks must be visited in order and only the last may
     * be ragged; {@link #finishTile} then turns the state into outputs. Keeping "first" and "last" out of the hot
     * loop keeps C2 from boxing vectors at control-flow merges.
     */
    public static void tileBlock(float[] w, int wOff, int wStride, int rows, float[] x, int xStride, int xOff, int len,
                                 int tokens, float[] acc) {
        if (!VectorSupport.enabled()) {
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < tokens; t++) {
                    int a = (t * rows + r) * L;
                    float s = acc[a];
                    for (int i = 0; i < len; i++) {
                        s += w[wOff + r * wStride + i] * x[t * xStride + xOff + i];
                    }
                    acc[a] = s;
                }
            }
            return;
        }
        int fullRows = rows & ~3;
        int t = 0;
        for (; t + 4 <= tokens; t += 4) {
            for (int r = 0; r < fullRows; r += 4) {
                tile4x4(w, wOff + r * wStride, wStride, x, t * xStride + xOff, xStride, len, acc, (t * rows + r) * L, rows * L);
            }
        }
        for (; t < tokens; t++) {
            for (int r = 0; r < fullRows; r += 4) {
                tile4x1(w, wOff + r * wStride, wStride, x, t * xStride + xOff, len, acc, (t * rows + r) * L);
            }
        }
        int r = fullRows;
        for (; r < rows; r++) {
            for (int u = 0; u < tokens; u++) {
                int a = (u * rows + r) * L;
                int wr = wOff + r * wStride;
                int xt = u * xStride + xOff;
                FloatVector v = FloatVector.fromArray(S, acc, a);
                for (int i = 0, bound = S.loopBound(len); i < bound; i += L) {
                    v = FloatVector.fromArray(S, w, wr + i).fma(FloatVector.fromArray(S, x, xt + i), v);
                }
                v.intoArray(acc, a);
            }
        }
    }

    /**
     * Ends the canonical order for every (row, token) of a tile after its last K-block (passed again here, with
     * the same arguments): lane sum of the state, then the scalar tail of that block, into
     * {@code out[t*outStride + o0 + r]}.
     */
    public static void finishTile(float[] w, int wOff, int wStride, int rows, float[] x, int xStride, int xOff, int len,
                                  int tokens, float[] acc, float[] out, int outStride, int o0) {
        int bound = VectorSupport.enabled() ? S.loopBound(len) : len;
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                int a = (t * rows + r) * L;
                float s = VectorSupport.enabled() ? sumLanes(FloatVector.fromArray(S, acc, a)) : acc[a];
                int wr = wOff + r * wStride;
                int xt = t * xStride + xOff;
                for (int i = bound; i < len; i++) {
                    s += w[wr + i] * x[xt + i];
                }
                out[t * outStride + o0 + r] = s;
            }
        }
    }

    /**
     * A whole GEMM tile in one pass over all of K, for rows short enough to stay in L1:
     * {@code out[t*outStride + o0 + r] = dot(w_r, x_t)} in the canonical order. Each 4 x 4 register tile starts at zero
     * and is summed where it ends, so no lane state is kept between K-blocks (for a 16-row tile of 256 tokens that state
     * is 256 KB, filled, stored and reloaded per block by {@link #tileBlock}).
     */
    public static void tileWhole(float[] w, int wOff, int wStride, int rows, float[] x, int xOff, int xStride, int len,
                                 int tokens, float[] out, int outStride, int o0) {
        int fullRows = VectorSupport.enabled() ? rows & ~3 : 0;
        float[] lanes = new float[16 * L];
        int t = 0;
        if (fullRows > 0) {
            t = tokens & ~3;
            // Eight rows at a time sweep the tokens, so their weights (8 x 768 floats at most) stay in L1 beside four tokens.
            for (int r8 = 0; r8 < fullRows; r8 += 8) {
                int r8End = Math.min(fullRows, r8 + 8);
                for (int u = 0; u < t; u += 4) {
                    for (int r = r8; r < r8End; r += 4) {
                        whole4x4(w, wOff + r * wStride, wStride, x, xOff + u * xStride, xStride, len, lanes, out, u * outStride + o0 + r, outStride);
                    }
                }
            }
        }
        for (int u = 0; u < tokens; u++) {
            int first = u < t ? fullRows : 0;
            int r = first;
            for (; r + 4 <= fullRows; r += 4) {
                int w0 = wOff + r * wStride;
                dot4(x, xOff + u * xStride, w, w0, w0 + wStride, w0 + 2 * wStride, w0 + 3 * wStride, len, out, u * outStride + o0 + r);
            }
            for (; r < rows; r++) {
                out[u * outStride + o0 + r] = dot(w, wOff + r * wStride, x, xOff + u * xStride, len);
            }
        }
    }

    /**
     * The 4 x 4 register tile from zero over the full vectors, its 16 accumulators then stored to {@code lanes} and
     * summed from there: summing them in place would keep vectors live across the tails' loops, which C2 boxes. The
     * loop is {@link #tile4x4}'s; calling that on zeroed state instead measured 5-25% slower, so it stays a copy.
     */
    private static void whole4x4(float[] w, int w0, int ws, float[] x, int x0, int xs, int len, float[] lanes,
                                 float[] out, int o, int os) {
        FloatVector a00 = FloatVector.zero(S), a10 = a00, a20 = a00, a30 = a00, a01 = a00, a11 = a00, a21 = a00, a31 = a00;
        FloatVector a02 = a00, a12 = a00, a22 = a00, a32 = a00, a03 = a00, a13 = a00, a23 = a00, a33 = a00;
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
        a00.intoArray(lanes, 0); a10.intoArray(lanes, L); a20.intoArray(lanes, 2 * L); a30.intoArray(lanes, 3 * L);
        a01.intoArray(lanes, 4 * L); a11.intoArray(lanes, 5 * L); a21.intoArray(lanes, 6 * L); a31.intoArray(lanes, 7 * L);
        a02.intoArray(lanes, 8 * L); a12.intoArray(lanes, 9 * L); a22.intoArray(lanes, 10 * L); a32.intoArray(lanes, 11 * L);
        a03.intoArray(lanes, 12 * L); a13.intoArray(lanes, 13 * L); a23.intoArray(lanes, 14 * L); a33.intoArray(lanes, 15 * L);
        for (int t = 0; t < 4; t++) {
            int xt = x0 + t * xs;
            for (int r = 0; r < 4; r++) {
                out[o + t * os + r] = finish(FloatVector.fromArray(S, lanes, (4 * t + r) * L), w, w0 + r * ws, x, xt, bound, len);
            }
        }
    }

    private static void tile4x4(float[] w, int w0, int ws, float[] x, int x0, int xs, int len, float[] acc, int a0, int as) {
        int b0 = a0 + as, c0 = a0 + 2 * as, d0 = a0 + 3 * as;
        FloatVector a00 = FloatVector.fromArray(S, acc, a0), a10 = FloatVector.fromArray(S, acc, a0 + L);
        FloatVector a20 = FloatVector.fromArray(S, acc, a0 + 2 * L), a30 = FloatVector.fromArray(S, acc, a0 + 3 * L);
        FloatVector a01 = FloatVector.fromArray(S, acc, b0), a11 = FloatVector.fromArray(S, acc, b0 + L);
        FloatVector a21 = FloatVector.fromArray(S, acc, b0 + 2 * L), a31 = FloatVector.fromArray(S, acc, b0 + 3 * L);
        FloatVector a02 = FloatVector.fromArray(S, acc, c0), a12 = FloatVector.fromArray(S, acc, c0 + L);
        FloatVector a22 = FloatVector.fromArray(S, acc, c0 + 2 * L), a32 = FloatVector.fromArray(S, acc, c0 + 3 * L);
        FloatVector a03 = FloatVector.fromArray(S, acc, d0), a13 = FloatVector.fromArray(S, acc, d0 + L);
        FloatVector a23 = FloatVector.fromArray(S, acc, d0 + 2 * L), a33 = FloatVector.fromArray(S, acc, d0 + 3 * L);
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
        a00.intoArray(acc, a0); a10.intoArray(acc, a0 + L); a20.intoArray(acc, a0 + 2 * L); a30.intoArray(acc, a0 + 3 * L);
        a01.intoArray(acc, b0); a11.intoArray(acc, b0 + L); a21.intoArray(acc, b0 + 2 * L); a31.intoArray(acc, b0 + 3 * L);
        a02.intoArray(acc, c0); a12.intoArray(acc, c0 + L); a22.intoArray(acc, c0 + 2 * L); a32.intoArray(acc, c0 + 3 * L);
        a03.intoArray(acc, d0); a13.intoArray(acc, d0 + L); a23.intoArray(acc, d0 + 2 * L); a33.intoArray(acc, d0 + 3 * L);
    }

    private static void tile4x1(float[] w, int w0, int ws, float[] x, int x0, int len, float[] acc, int a0) {
        FloatVector v0 = FloatVector.fromArray(S, acc, a0), v1 = FloatVector.fromArray(S, acc, a0 + L);
        FloatVector v2 = FloatVector.fromArray(S, acc, a0 + 2 * L), v3 = FloatVector.fromArray(S, acc, a0 + 3 * L);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, x0 + i);
            v0 = FloatVector.fromArray(S, w, w0 + i).fma(xv, v0);
            v1 = FloatVector.fromArray(S, w, w0 + ws + i).fma(xv, v1);
            v2 = FloatVector.fromArray(S, w, w0 + 2 * ws + i).fma(xv, v2);
            v3 = FloatVector.fromArray(S, w, w0 + 3 * ws + i).fma(xv, v3);
        }
        v0.intoArray(acc, a0); v1.intoArray(acc, a0 + L); v2.intoArray(acc, a0 + 2 * L); v3.intoArray(acc, a0 + 3 * L);
    }
}
