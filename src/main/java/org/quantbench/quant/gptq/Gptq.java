package org.quantbench.quant.gptq;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.quant.calib.LayerQuantizationException;
import org.quantbench.quant.intq.IntGroupParams;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.VectorSupport;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * GPTQ (Frantar et al.) for one linear: quantize columns one at a time with the uniform {@link IntQuantizer} and
 * spread each column's error over the columns not yet quantized through the upper Cholesky factor {@code U} of
 * {@code H^-1}, in blocks of {@link GptqConfig#blockSize()} columns with the update of later columns deferred to
 * the block's end (one GEMM). Steps, as in the reference notes: dead inputs ({@code H_ii = 0}) get {@code H_ii = 1}
 * and a zero weight column; act-order permutes columns by descending {@code diag(H)}; damping with automatic retry
 * ({@link GptqConfig}); groups of {@code groupSize} consecutive columns (the last one may be shorter) fitted on the
 * rows as they reach the group's first column, or up front on the float weights with act-order (static groups).
 * Rows are independent given {@code U}, so tasks own blocks of rows; the result does not depend on the thread count.
 */
public final class Gptq {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int ROWS_PER_TASK = 16;

    private Gptq() {}

    /**
     * The quantized layer, the column order used (identity without act-order), the GPTQ loss
     * {@code sum (w - q)^2 / (2 U_ii^2)} and the damping fraction that succeeded.
     */
    public record Result(IntGroupedLinear linear, int[] order, double loss, double damp) {
    }

    /**
     * @param w         float weights {@code rows x cols} row-major (not modified)
     * @param hessian   {@code cols x cols} symmetric, {@code (2/n) X^T X} (not modified)
     * @param groupSize columns per group, or {@link IntGroupedLinear#PER_CHANNEL}
     * @param name      the layer's name for error messages
     */
    public static Result quantize(float[] w, int rows, int cols, float[] hessian, IntQuantizer quantizer, int groupSize,
                                  GptqConfig config, ComputePool pool, String name) {
        if (w.length != (long) rows * cols || hessian.length != (long) cols * cols) {
            throw new IllegalArgumentException(name + ": expected " + rows + " x " + cols + " weights and a " + cols
                    + " x " + cols + " Hessian");
        }
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new IllegalArgumentException(name + ": weight [" + i / cols + ", " + i % cols + "] is " + w[i]);
            }
        }
        float[] h = hessian.clone();
        float[] wq = w.clone();
        for (int i = 0; i < cols; i++) {
            float d = h[i * cols + i];
            if (!Float.isFinite(d)) {
                throw new LayerQuantizationException(name + ": the Hessian diagonal holds " + d + " at column " + i);
            }
            if (d == 0f) {
                h[i * cols + i] = 1f;
                for (int r = 0; r < rows; r++) {
                    wq[r * cols + i] = 0f;
                }
            }
        }
        int gc = groupSize == IntGroupedLinear.PER_CHANNEL || groupSize >= cols ? cols : groupSize;
        int groups = (cols + gc - 1) / gc;
        int[] order = IntStream.range(0, cols).toArray();
        if (config.actOrder()) {
            float[] hh = h;
            order = IntStream.range(0, cols).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -hh[i * cols + i]).thenComparingInt(i -> i))
                    .mapToInt(Integer::intValue).toArray();
        }
        boolean staticGroups = config.actOrder() || gc == cols;
        // One working copy of H, permuted and damped in place: at 14336 columns each copy is 822 MB, and the factor
        // and its inverse need two more, so no other copy is kept (three such matrices at once instead of five).
        permuteSymmetric(h, cols, order);
        float[] diagonal = new float[cols];
        double mean = 0;
        for (int i = 0; i < cols; i++) {
            diagonal[i] = h[i * cols + i];
            mean += diagonal[i];
        }
        mean /= cols;
        float[] l = null;
        double damp = config.damp();
        for (; ; damp *= GptqConfig.DAMP_STEP) {
            double tried = Math.min(damp, config.maxDamp());
            for (int i = 0; i < cols; i++) {
                h[i * cols + i] = diagonal[i] + (float) (tried * mean);
            }
            l = InverseCholesky.factor(h, cols, pool);
            if (l != null || tried >= config.maxDamp()) {
                damp = tried;
                break;
            }
        }
        if (l == null) {
            throw new LayerQuantizationException(name + ": the Hessian is not positive definite even at the maximum"
                    + " damping " + config.maxDamp() + " x mean(diag H); the calibration inputs are degenerate");
        }
        h = null;  // not needed past the factor: let the inverse reuse its memory
        float[] u = InverseCholesky.upperFactorOfInverse(l, cols, pool);
        float[] wp = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                wp[r * cols + i] = wq[r * cols + order[i]];
            }
        }
        float[] scales = new float[rows * groups];
        int[] zeros = new int[rows * groups];
        byte[] codes = new byte[rows * cols];
        double[] taskLoss = new double[(rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK];
        int[] ord = order;
        float[] uu = u;
        pool.forEach(taskLoss.length, (long) ROWS_PER_TASK * cols * cols / 2, task -> {
            int r0 = task * ROWS_PER_TASK;
            int r1 = Math.min(rows, r0 + ROWS_PER_TASK);
            if (staticGroups) {
                fitStatic(wq, cols, r0, r1, gc, groups, quantizer, scales, zeros, name);
            }
            taskLoss[task] = rowsGptq(wp, cols, r0, r1, uu, ord, gc, groups, staticGroups, quantizer, config.blockSize(),
                    scales, zeros, codes, name);
        });
        double loss = Arrays.stream(taskLoss).sum();
        int[] z = quantizer.symmetric() ? null : zeros;
        return new Result(IntGroupedLinear.fromCodes(rows, cols, quantizer, groupSize, codes, scales, z), order, loss, damp);
    }

    /**
     * {@code h <- P h P^T} in place ({@code h'[i][j] = h[order[i]][order[j]]}): rows follow the permutation's cycles
     * through one spare row, then each row gathers its columns through the same spare row.
     */
    static void permuteSymmetric(float[] h, int n, int[] order) {
        float[] spare = new float[n];
        boolean[] placed = new boolean[n];
        for (int start = 0; start < n; start++) {
            if (placed[start] || order[start] == start) {
                continue;
            }
            System.arraycopy(h, start * n, spare, 0, n);
            int i = start;
            while (order[i] != start) {
                System.arraycopy(h, order[i] * n, h, i * n, n);
                placed[i] = true;
                i = order[i];
            }
            System.arraycopy(spare, 0, h, i * n, n);
            placed[i] = true;
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(h, i * n, spare, 0, n);
            for (int j = 0; j < n; j++) {
                h[i * n + j] = spare[order[j]];
            }
        }
    }

    private static void fitStatic(float[] w, int cols, int r0, int r1, int gc, int groups, IntQuantizer quantizer,
                                  float[] scales, int[] zeros, String name) {
        for (int r = r0; r < r1; r++) {
            for (int g = 0; g < groups; g++) {
                fit(w, r * cols + g * gc, Math.min(gc, cols - g * gc), quantizer, scales, zeros, r * groups + g, name, r, g);
            }
        }
    }

    private static void fit(float[] w, int off, int len, IntQuantizer quantizer, float[] scales, int[] zeros, int at,
                            String name, int row, int group) {
        IntGroupParams p;
        try {
            p = quantizer.fit(w, off, len);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": row " + row + " group " + group + ": " + e.getMessage(), e);
        }
        scales[at] = p.scale();
        zeros[at] = p.zero();
    }

    /** GPTQ over rows [r0, r1) of the permuted weights {@code wp}; returns their loss. */
    private static double rowsGptq(float[] wp, int cols, int r0, int r1, float[] u, int[] order, int gc, int groups,
                                   boolean staticGroups, IntQuantizer quantizer, int blockSize, float[] scales,
                                   int[] zeros, byte[] codes, String name) {
        int n = r1 - r0;
        float[] err = new float[n * blockSize];
        float[] groupBuf = staticGroups ? null : new float[gc];
        double loss = 0;
        for (int b0 = 0; b0 < cols; b0 += blockSize) {
            int b1 = Math.min(cols, b0 + blockSize);
            int bw = b1 - b0;
            for (int i = b0; i < b1; i++) {
                int col = order[i];
                int g = col / gc;
                float d = u[i * cols + i];
                for (int rr = 0; rr < n; rr++) {
                    int r = r0 + rr;
                    int base = r * cols;
                    if (!staticGroups && col % gc == 0) {
                        int len = Math.min(gc, cols - col);
                        System.arraycopy(wp, base + i, groupBuf, 0, len);
                        fit(groupBuf, 0, len, quantizer, scales, zeros, r * groups + g, name, r, g);
                    }
                    float x = wp[base + i];
                    float s = scales[r * groups + g];
                    int z = zeros[r * groups + g];
                    int q = quantizer.quantize(x, s, z);
                    codes[base + col] = (byte) q;
                    float deq = IntQuantizer.dequantize(q, s, z);
                    float e = (x - deq) / d;
                    loss += (double) (x - deq) * (x - deq) / (2.0 * d * d);
                    err[rr * blockSize + (i - b0)] = e;
                    axpy(-e, u, i * cols + i + 1, wp, base + i + 1, b1 - i - 1);
                }
            }
            if (b1 < cols) {
                deferredUpdate(wp, cols, r0, n, err, blockSize, bw, u, b0, b1);
            }
        }
        return loss;
    }

    /** {@code W[r, b1..) -= sum_k err[r,k] U[b0+k, b1..)} for the task's rows, four rows per register tile. */
    private static void deferredUpdate(float[] wp, int cols, int r0, int n, float[] err, int blockSize, int bw,
                                       float[] u, int b0, int b1) {
        int len = cols - b1;
        int rr = 0;
        if (VectorSupport.enabled()) {
            int lanes = S.length();
            int bound = S.loopBound(len);
            int pairBound = len / (2 * lanes) * (2 * lanes);
            for (; rr + 4 <= n; rr += 4) {
                int w0 = (r0 + rr) * cols + b1;
                int w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
                int e0 = rr * blockSize, e1 = e0 + blockSize, e2 = e1 + blockSize, e3 = e2 + blockSize;
                int j = 0;
                // two vectors of columns per pass: each err broadcast feeds two FMAs (same order per element)
                for (; j < pairBound; j += 2 * lanes) {
                    FloatVector a0 = FloatVector.fromArray(S, wp, w0 + j), a1 = FloatVector.fromArray(S, wp, w1 + j);
                    FloatVector a2 = FloatVector.fromArray(S, wp, w2 + j), a3 = FloatVector.fromArray(S, wp, w3 + j);
                    FloatVector c0 = FloatVector.fromArray(S, wp, w0 + j + lanes), c1 = FloatVector.fromArray(S, wp, w1 + j + lanes);
                    FloatVector c2 = FloatVector.fromArray(S, wp, w2 + j + lanes), c3 = FloatVector.fromArray(S, wp, w3 + j + lanes);
                    for (int k = 0; k < bw; k++) {
                        int ub = (b0 + k) * cols + b1 + j;
                        FloatVector uv = FloatVector.fromArray(S, u, ub);
                        FloatVector uw = FloatVector.fromArray(S, u, ub + lanes);
                        FloatVector e = FloatVector.broadcast(S, -err[e0 + k]);
                        a0 = uv.fma(e, a0);
                        c0 = uw.fma(e, c0);
                        e = FloatVector.broadcast(S, -err[e1 + k]);
                        a1 = uv.fma(e, a1);
                        c1 = uw.fma(e, c1);
                        e = FloatVector.broadcast(S, -err[e2 + k]);
                        a2 = uv.fma(e, a2);
                        c2 = uw.fma(e, c2);
                        e = FloatVector.broadcast(S, -err[e3 + k]);
                        a3 = uv.fma(e, a3);
                        c3 = uw.fma(e, c3);
                    }
                    a0.intoArray(wp, w0 + j); a1.intoArray(wp, w1 + j); a2.intoArray(wp, w2 + j); a3.intoArray(wp, w3 + j);
                    c0.intoArray(wp, w0 + j + lanes); c1.intoArray(wp, w1 + j + lanes);
                    c2.intoArray(wp, w2 + j + lanes); c3.intoArray(wp, w3 + j + lanes);
                }
                for (; j < bound; j += lanes) {
                    FloatVector a0 = FloatVector.fromArray(S, wp, w0 + j), a1 = FloatVector.fromArray(S, wp, w1 + j);
                    FloatVector a2 = FloatVector.fromArray(S, wp, w2 + j), a3 = FloatVector.fromArray(S, wp, w3 + j);
                    for (int k = 0; k < bw; k++) {
                        FloatVector uv = FloatVector.fromArray(S, u, (b0 + k) * cols + b1 + j);
                        a0 = uv.fma(FloatVector.broadcast(S, -err[e0 + k]), a0);
                        a1 = uv.fma(FloatVector.broadcast(S, -err[e1 + k]), a1);
                        a2 = uv.fma(FloatVector.broadcast(S, -err[e2 + k]), a2);
                        a3 = uv.fma(FloatVector.broadcast(S, -err[e3 + k]), a3);
                    }
                    a0.intoArray(wp, w0 + j); a1.intoArray(wp, w1 + j); a2.intoArray(wp, w2 + j); a3.intoArray(wp, w3 + j);
                }
                for (int r = rr; r < rr + 4; r++) {
                    scalarTail(wp, (r0 + r) * cols + b1, err, r * blockSize, bw, u, b0, cols, b1, bound, len);
                }
            }
        }
        for (; rr < n; rr++) {
            scalarTail(wp, (r0 + rr) * cols + b1, err, rr * blockSize, bw, u, b0, cols, b1, 0, len);
        }
    }

    private static void scalarTail(float[] wp, int w0, float[] err, int e0, int bw, float[] u, int b0, int cols, int b1,
                                   int from, int len) {
        for (int k = 0; k < bw; k++) {
            float e = err[e0 + k];
            int ub = (b0 + k) * cols + b1;
            for (int j = from; j < len; j++) {
                wp[w0 + j] -= e * u[ub + j];
            }
        }
    }

    /** {@code y[yOff..+n) += a * x[xOff..+n)}. */
    private static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        if (VectorSupport.enabled()) {
            FloatVector av = FloatVector.broadcast(S, a);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }
}
