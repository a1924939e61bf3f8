package org.quantbench.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.tensor.VectorSupport;

/**
 * One query's attention with the arithmetic of llama.cpp's CPU flash attention over an F16 KV cache (its default on
 * CPU: flash attention "auto" resolves to on). ggml takes one of two paths by the number of tokens it evaluates in one
 * step (its ubatch: a whole scoring request or window, up to 512 tokens; one token when decoding); the engine takes
 * the tokens of one forward call for that step, whatever blocks it cuts them into:
 * <ul>
 * <li>{@link #tiled} for 64 tokens or more: Q stays float; keys are taken in tiles of 64, each tile's scores are
 * computed in float, exponentiated against the running maximum (rescaling what was accumulated when it grows) and
 * their weighted values added to a float accumulator;</li>
 * <li>{@link #oneByOne} for fewer: Q is rounded to fp16, each score is an fp16 dot product accumulated in float, and
 * the weighted values accumulate in an fp16 vector (rounded after every key), with an online softmax key by key.</li>
 * </ul>
 * Keys and values arrive already rounded to fp16 (the cache holds them so). Operation order follows ggml's AVX-512
 * build (fused multiply-adds, its reduction tree for 64-element dot products), which matters because int8
 * activation quantization downstream turns last-bit differences into whole code steps. Not reproduced: ggml's
 * vectorized exp approximation in the tiled path (within an ulp or two of exp) and its split over threads of a
 * single token's keys once the cache view reaches 512 cells.
 */
final class LlamaCppAttention {
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    /** ggml's query and key tile, and the step size from which it takes the tiled path. */
    static final int TILE = 64;

    private LlamaCppAttention() {}

    static boolean tiledFor(int blockTokens) {
        return blockTokens >= TILE;
    }

    /**
     * Writes {@code softmax(q . k_j * scale) . v_j} over keys {@code j < len} into {@code out[outOff ..+headDim)}.
     * Key j of this head starts at {@code keys[j * stride + kvOff]} (values alike).
     */
    static void tiled(float[] q, int qOff, float[] keys, float[] values, int kvOff, int stride, int headDim, int len,
                      float scale, float[] out, int outOff, float[] scores, float[] lanes) {
        float max = Float.NEGATIVE_INFINITY;
        float sum = 0f;
        java.util.Arrays.fill(out, outOff, outOff + headDim, 0f);
        for (int tile = 0; tile < len; tile += TILE) {
            int n = Math.min(TILE, len - tile);
            float tileMax = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                int k = (tile + j) * stride + kvOff;
                float s = 0f;
                for (int d = 0; d < headDim; d++) {
                    s = Math.fma(q[qOff + d], keys[k + d], s);
                }
                scores[j] = s * scale;
                tileMax = Math.max(tileMax, scores[j]);
            }
            float newMax = Math.max(max, tileMax);
            if (newMax > max) {
                float ms = (float) Math.exp(max - newMax);
                for (int d = 0; d < headDim; d++) {
                    out[outOff + d] *= ms;
                }
                sum *= ms;
            }
            max = newMax;
            double tileSum = 0;
            for (int j = 0; j < n; j += 16) {
                for (int i = 0; i < 16; i++) {
                    float e = j + i < n ? (float) Math.exp(scores[j + i] - max) : 0f;
                    if (j + i < n) {
                        scores[j + i] = e;
                    }
                    lanes[i] = e;
                }
                tileSum += sumLanes(lanes, 0);
            }
            sum = (float) (sum + tileSum);
            for (int j = 0; j < n; j++) {
                addScaled(scores[j], values, (tile + j) * stride + kvOff, out, outOff, headDim);
            }
        }
        float inv = 1f / sum;
        for (int d = 0; d < headDim; d++) {
            out[outOff + d] *= inv;
        }
    }

    /** As {@link #tiled}, key by key with fp16 Q and an fp16 accumulator; scratch: {@code q16} headDim floats, {@code lanes} 64. */
    static void oneByOne(float[] q, int qOff, float[] keys, float[] values, int kvOff, int stride, int headDim, int len,
                         float scale, float[] out, int outOff, float[] q16, float[] lanes) {
        for (int d = 0; d < headDim; d++) {
            q16[d] = fp16(q[qOff + d]);
        }
        float max = Float.NEGATIVE_INFINITY;
        float sum = 0f;
        java.util.Arrays.fill(out, outOff, outOff + headDim, 0f);
        for (int j = 0; j < len; j++) {
            float s = dotF16(q16, keys, j * stride + kvOff, headDim, lanes) * scale;
            float ms = 1f;
            float vs = 1f;
            if (s > max) {
                ms = (float) Math.exp(max - s);
                max = s;
                for (int d = 0; d < headDim; d++) {
                    out[outOff + d] = fp16(out[outOff + d] * ms);
                }
            } else {
                vs = (float) Math.exp(s - max);
            }
            int v = j * stride + kvOff;
            for (int d = 0; d < headDim; d++) {
                out[outOff + d] = fp16(Math.fma(values[v + d], vs, out[outOff + d]));
            }
            sum = Math.fma(sum, ms, vs);
        }
        float inv = 1f / sum;
        for (int d = 0; d < headDim; d++) {
            out[outOff + d] *= inv;
        }
    }

    /** {@code y[yOff + d] = fma(p, x[xOff + d], y[yOff + d])}, each element one fused multiply-add, vectorized. */
    static void addScaled(float p, float[] x, int xOff, float[] y, int yOff, int n) {
        int d = 0;
        if (VectorSupport.enabled()) {
            FloatVector pv = FloatVector.broadcast(S, p);
            for (int bound = S.loopBound(n); d < bound; d += S.length()) {
                FloatVector.fromArray(S, x, xOff + d).fma(pv, FloatVector.fromArray(S, y, yOff + d)).intoArray(y, yOff + d);
            }
        }
        for (; d < n; d++) {
            y[yOff + d] = Math.fma(p, x[xOff + d], y[yOff + d]);
        }
    }

    /**
     * ggml's fp16 dot product on AVX-512: four 16-lane accumulators over steps of 64 elements, summed as
     * (0 + 2) + (1 + 3) and then across lanes by {@link #sumLanes}; the remainder past a multiple of 64 in double.
     * {@code lanes} is scratch of 64 floats.
     */
    static float dotF16(float[] x, float[] y, int yOff, int n, float[] lanes) {
        int whole = n - n % 64;
        double sum = 0;
        if (whole > 0) {
            java.util.Arrays.fill(lanes, 0, 64, 0f);
            for (int i = 0; i < whole; i += 64) {
                for (int l = 0; l < 64; l++) {
                    lanes[l] = Math.fma(x[i + l], y[yOff + i + l], lanes[l]);
                }
            }
            for (int l = 0; l < 16; l++) {
                lanes[l] = (lanes[l] + lanes[32 + l]) + (lanes[16 + l] + lanes[48 + l]);
            }
            sum = sumLanes(lanes, 0);
        }
        for (int i = whole; i < n; i++) {
            sum += x[i] * y[yOff + i];
        }
        return (float) sum;
    }

    /** The sum of 16 floats in the order of an AVX-512 horizontal add: halves, quarters, then pairs; destroys them. */
    static float sumLanes(float[] v, int off) {
        for (int width = 8; width >= 1; width /= 2) {
            for (int l = 0; l < width; l++) {
                v[off + l] = v[off + l] + v[off + l + width];
            }
        }
        return v[off];
    }

    static float fp16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }
}
