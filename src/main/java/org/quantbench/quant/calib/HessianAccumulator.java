package org.quantbench.quant.calib;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.ArrayAlignment;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.VectorSupport;

/**
 * The input Hessian of a linear over calibration activations, {@code H = (2/n) sum_t x_t x_t^T} (n rows), as GPTQ
 * and AQLM use it. Rows are added in blocks; each block is one symmetric rank-k update {@code H += X^T X} computed as
 * a blocked Vector API GEMM: the columns are padded to a multiple of the tile width, each task owns a few strips of
 * {@link #TILE_COLS} columns of the upper triangle, and its register tile of 8 rows x {@link #TILE_COLS} columns
 * accumulates over {@link #TOKEN_BLOCK} tokens at a time (a broadcast of {@code x[t,i]}, one load of
 * {@code x[t, j..]} per vector, FMA) so the panel it reads stays in L1. Only the upper triangle is computed; it is
 * mirrored at the end.
 */
public final class HessianAccumulator {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int LANES = S.length();
    /** Columns of a tile: three vectors (48 at 512 bits, 24 at 256). */
    static final int TILE_COLS = 3 * LANES;
    private static final int TILE_ROWS = 8;
    private static final int TOKEN_BLOCK = 64;
    /** Column strips one task sweeps together (fewer on narrow layers, so two threads still get balanced work). */
    private static final int GROUP_STRIPS = 8;
    /** The copy's first float on a 64-byte line, so its 3-vector rows are too (see {@link ArrayAlignment}). */
    private static final int PAD = ArrayAlignment.floatPad();

    private final int cols;
    private final int padded;
    private final float[] h;
    private float[] scratch = new float[0];
    private long rows;

    public HessianAccumulator(int cols) {
        if (cols < 1) {
            throw new IllegalArgumentException("a Hessian needs at least one column");
        }
        this.cols = cols;
        this.padded = (cols + TILE_COLS - 1) / TILE_COLS * TILE_COLS;
        this.h = new float[Math.multiplyExact(padded, padded)];
    }

    public int cols() { return cols; }

    /** Rows added so far. */
    public long rows() { return rows; }

    /** The Hessian of every row of {@code activations}. */
    public static float[] of(Activations activations, ComputePool pool) {
        HessianAccumulator acc = new HessianAccumulator(activations.width());
        float[] x = new float[activations.tokens() * activations.width()];
        for (int s = 0; s < activations.samples(); s++) {
            activations.read(s, x, 0);
            acc.add(x, activations.tokens(), pool);
        }
        return acc.result();
    }

    /** Adds {@code n} rows of {@code x} ({@code n x cols}, row-major). */
    public void add(float[] x, int n, ComputePool pool) {
        if ((long) n * cols > x.length) {
            throw new IllegalArgumentException(n + " rows of " + cols + " exceed the " + x.length + " values given");
        }
        if (scratch.length < PAD + n * padded) {
            scratch = new float[PAD + n * padded];
        }
        // Strip-major copy: strip s holds x[t, s*TILE_COLS ..+TILE_COLS) for every t in turn, so a tile's loads run
        // through a few contiguous KB instead of touching one page per token (rows are 57 KB apart at 14336 columns).
        float[] xp = scratch;
        int strips = padded / TILE_COLS;
        pool.forEach(strips, (long) n * TILE_COLS, st -> {
            int c0 = st * TILE_COLS;
            int width = Math.min(TILE_COLS, cols - c0);
            for (int t = 0; t < n; t++) {
                int to = at(n, t, c0);
                System.arraycopy(x, t * cols + c0, xp, to, width);
                java.util.Arrays.fill(xp, to + width, to + TILE_COLS, 0f);
            }
        });
        int group = Math.max(1, Math.min(GROUP_STRIPS, strips / 8));
        int tasks = (strips + group - 1) / group;
        // A group's work grows with its strips' distance from column 0 (the triangle): the largest go first, so the
        // last tasks to finish are small and the threads end together.
        pool.forEach(tasks, (long) n * TILE_COLS * group * padded / 2, task -> {
            int g = tasks - 1 - task;
            strips(xp, n, g * group, Math.min(strips, (g + 1) * group));
        });
        rows += n;
    }

    /**
     * {@code H[i, j] += sum_t x[t,i] x[t,j]} for the column strips [s0, s1) and every row i up to each strip's end.
     * A row strip's token block is reused from L1 by every column strip of the group, and the group's part of H
     * (48 rows x up to 384 columns) stays in L2 while the token blocks pass; each H element still sums its tokens
     * in order, so the grouping does not change any result.
     */
    private void strips(float[] x, int n, int s0, int s1) {
        if (!VectorSupport.enabled()) {
            for (int s = s0; s < s1; s++) {
                scalarStrip(x, n, s * TILE_COLS);
            }
            return;
        }
        for (int si = 0; si < s1; si++) {
            int i0 = si * TILE_COLS;
            for (int t0 = 0; t0 < n; t0 += TOKEN_BLOCK) {
                int t1 = Math.min(n, t0 + TOKEN_BLOCK);
                for (int sj = Math.max(s0, si); sj < s1; sj++) {
                    int i = i0;
                    for (; i + TILE_ROWS <= i0 + TILE_COLS; i += TILE_ROWS) {
                        tile8(x, n, t0, t1, i, sj * TILE_COLS);
                    }
                    for (; i < i0 + TILE_COLS; i += 4) {
                        tile4(x, n, t0, t1, i, sj * TILE_COLS);
                    }
                }
            }
        }
    }

    /** The plain-loop form of one column strip, for when vectors are disabled. */
    private void scalarStrip(float[] x, int n, int j0) {
        int iEnd = j0 + TILE_COLS;
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < iEnd; i++) {
                float xi = x[at(n, t, i)];
                for (int j = j0; j < iEnd; j++) {
                    h[i * padded + j] += xi * x[at(n, t, j)];
                }
            }
        }
    }

    /** Index of x[t, col] in the strip-major copy of {@code n} tokens. */
    private static int at(int n, int t, int col) {
        return PAD + (col / TILE_COLS * n + t) * TILE_COLS + col % TILE_COLS;
    }

    /** Rows i..i+7 of the strip starting at j0, all eight in one strip of the copy. */
    private void tile8(float[] x, int n, int t0, int t1, int i, int j0) {
        int p = padded;
        int h0 = i * p + j0;
        FloatVector a00 = FloatVector.fromArray(S, h, h0 + 0 * p + 0 * LANES), a01 = FloatVector.fromArray(S, h, h0 + 0 * p + 1 * LANES), a02 = FloatVector.fromArray(S, h, h0 + 0 * p + 2 * LANES);
        FloatVector a10 = FloatVector.fromArray(S, h, h0 + 1 * p + 0 * LANES), a11 = FloatVector.fromArray(S, h, h0 + 1 * p + 1 * LANES), a12 = FloatVector.fromArray(S, h, h0 + 1 * p + 2 * LANES);
        FloatVector a20 = FloatVector.fromArray(S, h, h0 + 2 * p + 0 * LANES), a21 = FloatVector.fromArray(S, h, h0 + 2 * p + 1 * LANES), a22 = FloatVector.fromArray(S, h, h0 + 2 * p + 2 * LANES);
        FloatVector a30 = FloatVector.fromArray(S, h, h0 + 3 * p + 0 * LANES), a31 = FloatVector.fromArray(S, h, h0 + 3 * p + 1 * LANES), a32 = FloatVector.fromArray(S, h, h0 + 3 * p + 2 * LANES);
        FloatVector a40 = FloatVector.fromArray(S, h, h0 + 4 * p + 0 * LANES), a41 = FloatVector.fromArray(S, h, h0 + 4 * p + 1 * LANES), a42 = FloatVector.fromArray(S, h, h0 + 4 * p + 2 * LANES);
        FloatVector a50 = FloatVector.fromArray(S, h, h0 + 5 * p + 0 * LANES), a51 = FloatVector.fromArray(S, h, h0 + 5 * p + 1 * LANES), a52 = FloatVector.fromArray(S, h, h0 + 5 * p + 2 * LANES);
        FloatVector a60 = FloatVector.fromArray(S, h, h0 + 6 * p + 0 * LANES), a61 = FloatVector.fromArray(S, h, h0 + 6 * p + 1 * LANES), a62 = FloatVector.fromArray(S, h, h0 + 6 * p + 2 * LANES);
        FloatVector a70 = FloatVector.fromArray(S, h, h0 + 7 * p + 0 * LANES), a71 = FloatVector.fromArray(S, h, h0 + 7 * p + 1 * LANES), a72 = FloatVector.fromArray(S, h, h0 + 7 * p + 2 * LANES);
        int jRow = at(n, t0, j0);
        int iRow = at(n, t0, i);
        for (int t = t0; t < t1; t++, jRow += TILE_COLS, iRow += TILE_COLS) {
            FloatVector x0 = FloatVector.fromArray(S, x, jRow + 0 * LANES);
            FloatVector x1 = FloatVector.fromArray(S, x, jRow + 1 * LANES);
            FloatVector x2 = FloatVector.fromArray(S, x, jRow + 2 * LANES);
            FloatVector b0 = FloatVector.broadcast(S, x[iRow + 0]);
            a00 = x0.fma(b0, a00); a01 = x1.fma(b0, a01); a02 = x2.fma(b0, a02);
            FloatVector b1 = FloatVector.broadcast(S, x[iRow + 1]);
            a10 = x0.fma(b1, a10); a11 = x1.fma(b1, a11); a12 = x2.fma(b1, a12);
            FloatVector b2 = FloatVector.broadcast(S, x[iRow + 2]);
            a20 = x0.fma(b2, a20); a21 = x1.fma(b2, a21); a22 = x2.fma(b2, a22);
            FloatVector b3 = FloatVector.broadcast(S, x[iRow + 3]);
            a30 = x0.fma(b3, a30); a31 = x1.fma(b3, a31); a32 = x2.fma(b3, a32);
            FloatVector b4 = FloatVector.broadcast(S, x[iRow + 4]);
            a40 = x0.fma(b4, a40); a41 = x1.fma(b4, a41); a42 = x2.fma(b4, a42);
            FloatVector b5 = FloatVector.broadcast(S, x[iRow + 5]);
            a50 = x0.fma(b5, a50); a51 = x1.fma(b5, a51); a52 = x2.fma(b5, a52);
            FloatVector b6 = FloatVector.broadcast(S, x[iRow + 6]);
            a60 = x0.fma(b6, a60); a61 = x1.fma(b6, a61); a62 = x2.fma(b6, a62);
            FloatVector b7 = FloatVector.broadcast(S, x[iRow + 7]);
            a70 = x0.fma(b7, a70); a71 = x1.fma(b7, a71); a72 = x2.fma(b7, a72);
        }
        a00.intoArray(h, h0 + 0 * p + 0 * LANES); a01.intoArray(h, h0 + 0 * p + 1 * LANES); a02.intoArray(h, h0 + 0 * p + 2 * LANES);
        a10.intoArray(h, h0 + 1 * p + 0 * LANES); a11.intoArray(h, h0 + 1 * p + 1 * LANES); a12.intoArray(h, h0 + 1 * p + 2 * LANES);
        a20.intoArray(h, h0 + 2 * p + 0 * LANES); a21.intoArray(h, h0 + 2 * p + 1 * LANES); a22.intoArray(h, h0 + 2 * p + 2 * LANES);
        a30.intoArray(h, h0 + 3 * p + 0 * LANES); a31.intoArray(h, h0 + 3 * p + 1 * LANES); a32.intoArray(h, h0 + 3 * p + 2 * LANES);
        a40.intoArray(h, h0 + 4 * p + 0 * LANES); a41.intoArray(h, h0 + 4 * p + 1 * LANES); a42.intoArray(h, h0 + 4 * p + 2 * LANES);
        a50.intoArray(h, h0 + 5 * p + 0 * LANES); a51.intoArray(h, h0 + 5 * p + 1 * LANES); a52.intoArray(h, h0 + 5 * p + 2 * LANES);
        a60.intoArray(h, h0 + 6 * p + 0 * LANES); a61.intoArray(h, h0 + 6 * p + 1 * LANES); a62.intoArray(h, h0 + 6 * p + 2 * LANES);
        a70.intoArray(h, h0 + 7 * p + 0 * LANES); a71.intoArray(h, h0 + 7 * p + 1 * LANES); a72.intoArray(h, h0 + 7 * p + 2 * LANES);
    }

    /** Rows i..i+3, for a strip narrower than a multiple of 8 rows (128-bit vectors: 12 columns). */
    private void tile4(float[] x, int n, int t0, int t1, int i, int j0) {
        int p = padded;
        int h0 = i * p + j0;
        FloatVector a00 = FloatVector.fromArray(S, h, h0), a01 = FloatVector.fromArray(S, h, h0 + LANES),
                a02 = FloatVector.fromArray(S, h, h0 + 2 * LANES);
        FloatVector a10 = FloatVector.fromArray(S, h, h0 + p), a11 = FloatVector.fromArray(S, h, h0 + p + LANES),
                a12 = FloatVector.fromArray(S, h, h0 + p + 2 * LANES);
        FloatVector a20 = FloatVector.fromArray(S, h, h0 + 2 * p), a21 = FloatVector.fromArray(S, h, h0 + 2 * p + LANES),
                a22 = FloatVector.fromArray(S, h, h0 + 2 * p + 2 * LANES);
        FloatVector a30 = FloatVector.fromArray(S, h, h0 + 3 * p), a31 = FloatVector.fromArray(S, h, h0 + 3 * p + LANES),
                a32 = FloatVector.fromArray(S, h, h0 + 3 * p + 2 * LANES);
        int jRow = at(n, t0, j0);
        int iRow = at(n, t0, i);
        for (int t = t0; t < t1; t++, jRow += TILE_COLS, iRow += TILE_COLS) {
            FloatVector x0 = FloatVector.fromArray(S, x, jRow);
            FloatVector x1 = FloatVector.fromArray(S, x, jRow + LANES);
            FloatVector x2 = FloatVector.fromArray(S, x, jRow + 2 * LANES);
            FloatVector b = FloatVector.broadcast(S, x[iRow]);
            a00 = x0.fma(b, a00); a01 = x1.fma(b, a01); a02 = x2.fma(b, a02);
            b = FloatVector.broadcast(S, x[iRow + 1]);
            a10 = x0.fma(b, a10); a11 = x1.fma(b, a11); a12 = x2.fma(b, a12);
            b = FloatVector.broadcast(S, x[iRow + 2]);
            a20 = x0.fma(b, a20); a21 = x1.fma(b, a21); a22 = x2.fma(b, a22);
            b = FloatVector.broadcast(S, x[iRow + 3]);
            a30 = x0.fma(b, a30); a31 = x1.fma(b, a31); a32 = x2.fma(b, a32);
        }
        a00.intoArray(h, h0); a01.intoArray(h, h0 + LANES); a02.intoArray(h, h0 + 2 * LANES);
        a10.intoArray(h, h0 + p); a11.intoArray(h, h0 + p + LANES); a12.intoArray(h, h0 + p + 2 * LANES);
        a20.intoArray(h, h0 + 2 * p); a21.intoArray(h, h0 + 2 * p + LANES); a22.intoArray(h, h0 + 2 * p + 2 * LANES);
        a30.intoArray(h, h0 + 3 * p); a31.intoArray(h, h0 + 3 * p + LANES); a32.intoArray(h, h0 + 3 * p + 2 * LANES);
    }

    /**
     * {@code (2/n) X^T X} as a full symmetric {@code cols x cols} row-major matrix (n = rows added). Non-finite
     * entries (NaN or overflowing activations) are an IllegalArgumentException.
     */
    public float[] result() {
        if (rows == 0) {
            throw new IllegalStateException("no calibration rows were added");
        }
        float scale = (float) (2.0 / rows);
        float[] out = new float[cols * cols];
        for (int i = 0; i < cols; i++) {
            for (int j = i; j < cols; j++) {
                float v = h[i * padded + j] * scale;
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("the input Hessian holds " + v + " at [" + i + ", " + j
                            + "]: calibration activations are not finite or overflow float");
                }
                out[i * cols + j] = v;
                out[j * cols + i] = v;
            }
        }
        return out;
    }
}
