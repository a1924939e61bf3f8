package org.quantbench.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.VectorSupport;

/** The element-wise steps of the forward pass. */
final class Ops {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();

    private Ops() {}

    static void rmsNorm(float[] in, float[] weight, float[] out, int tokens, int dim, float eps) {
        rmsNorm(in, 0, weight, out, tokens, dim, eps);
    }

    /** {@code out[t] = weight * in[inOff + t] / rms(in[inOff + t])} for each token row; out starts at 0. */
    static void rmsNorm(float[] in, int inOff, float[] weight, float[] out, int tokens, int dim, float eps) {
        rmsNorm(in, inOff, weight, out, 0, tokens, dim, eps, Numerics.EXACT);
    }

    /**
     * As above, the rows written from {@code outOff}; {@link Numerics#LLAMA_CPP} sums the float squares in double and
     * takes {@code 1 / sqrt} of the float mean in float, as ggml does.
     */
    static void rmsNorm(float[] in, int inOff, float[] weight, float[] out, int outOff, int tokens, int dim, float eps,
                        Numerics numerics) {
        for (int t = 0; t < tokens; t++) {
            int o = inOff + t * dim;
            float scale = numerics == Numerics.LLAMA_CPP ? ggmlRmsScale(in, o, dim, eps) : rmsScale(in, o, dim, eps);
            for (int i = 0; i < dim; i++) {
                out[outOff + t * dim + i] = weight[i] * (scale * in[o + i]);
            }
        }
    }

    private static float rmsScale(float[] in, int o, int dim, float eps) {
        float ss = 0f;
        for (int i = 0; i < dim; i++) {
            ss += in[o + i] * in[o + i];
        }
        return (float) (1.0 / Math.sqrt(ss / dim + eps));
    }

    private static float ggmlRmsScale(float[] in, int o, int dim, float eps) {
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += in[o + i] * in[o + i];
        }
        float mean = (float) (sum / dim);
        return 1f / (float) Math.sqrt(mean + eps);
    }

    static void addBias(float[] v, float[] bias, int tokens) {
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < bias.length; i++) {
                v[t * bias.length + i] += bias[i];
            }
        }
    }

    static void addInPlace(float[] acc, float[] add, int n) {
        addInPlace(acc, add, 0, n);
    }

    /** {@code acc[i] += add[i]} for i in [from, to). */
    static void addInPlace(float[] acc, float[] add, int from, int to) {
        for (int i = from; i < to; i++) {
            acc[i] += add[i];
        }
    }

    /** {@code gate = silu(gate) * up} on [from, to). */
    static void swiglu(float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** The cache slot of key {@code j}: keys from {@code gapStart} on sit {@code gap} slots further. */
    static int slot(int j, int gapStart, int gap) {
        return j < gapStart ? j : j + gap;
    }

    /** {@code y[yOff..+n) += a * x[xOff..+n)}. */
    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
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

    /**
     * {@link #weightedRows} for rows of exactly four vectors (a 64-wide head at 512 bits): the four accumulators
     * advance together key by key, so their FMA chains overlap instead of running one after another; each lane still
     * sums its keys in order, so the result is bit for bit the general loop's.
     */
    private static void weightedRows4(float[] p, int pOff, int len, float[] x, int xOff, int stride, int gapStart,
                                      int gap, float[] y, int yOff) {
        int lanes = S.length();
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < len; j++) {
            int row = slot(j, gapStart, gap) * stride + xOff;
            FloatVector w = FloatVector.broadcast(S, p[pOff + j]);
            a0 = FloatVector.fromArray(S, x, row).fma(w, a0);
            a1 = FloatVector.fromArray(S, x, row + lanes).fma(w, a1);
            a2 = FloatVector.fromArray(S, x, row + 2 * lanes).fma(w, a2);
            a3 = FloatVector.fromArray(S, x, row + 3 * lanes).fma(w, a3);
        }
        a0.intoArray(y, yOff);
        a1.intoArray(y, yOff + lanes);
        a2.intoArray(y, yOff + 2 * lanes);
        a3.intoArray(y, yOff + 3 * lanes);
    }

    /**
     * {@code y[yOff ..+n) = sum_j p[pOff + j] * x[at(j) ..+n)} for {@code j < len}, where key j's row starts at
     * {@code at(j) = (j < gapStart ? j : j + gap) * stride + xOff}: attention's weighted sum of values. Each lane
     * sums its keys in order with one fused multiply-add each, kept in a register across the keys (the tail lanes
     * multiply and add apart), so the result does not depend on how keys are laid out in the cache.
     */
    static void weightedRows(float[] p, int pOff, int len, float[] x, int xOff, int stride, int gapStart, int gap,
                             float[] y, int yOff, int n) {
        int i = 0;
        if (VectorSupport.enabled() && n == 4 * S.length()) {
            weightedRows4(p, pOff, len, x, xOff, stride, gapStart, gap, y, yOff);
            return;
        }
        if (VectorSupport.enabled()) {
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                FloatVector acc = FloatVector.zero(S);
                for (int j = 0; j < len; j++) {
                    int row = slot(j, gapStart, gap) * stride + xOff;
                    acc = FloatVector.fromArray(S, x, row + i).fma(FloatVector.broadcast(S, p[pOff + j]), acc);
                }
                acc.intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            float sum = 0f;
            for (int j = 0; j < len; j++) {
                sum += p[pOff + j] * x[slot(j, gapStart, gap) * stride + xOff + i];
            }
            y[yOff + i] = sum;
        }
    }
}
