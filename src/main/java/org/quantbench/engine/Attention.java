package org.quantbench.engine;

import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;

import java.util.Arrays;

/** Causal grouped-query attention of a block of tokens, each over its own KV cache up to its position. */
final class Attention {
    private Attention() {}

    /** Attention output of each token of {@code q} into {@code att}; one task per (token, head). */
    static void run(ModelConfig c, ComputePool pool, ThreadLocal<float[]> scores, float[] q, float[] att, int layer, int n,
                    KvCache[] caches, int[] positions) {
        int heads = c.nHeads();
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int group = heads / c.nKvHeads();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int longest = 0;
        for (int t = 0; t < n; t++) {
            longest = Math.max(longest, positions[t] + 1);
        }
        pool.forEach(n * heads, 2L * headDim * longest, task -> {
            int t = task / heads;
            int h = task % heads;
            float[] keys = caches[t].keys[layer];
            float[] values = caches[t].values[layer];
            int qOff = t * c.qDim() + h * headDim;
            int kvOff = (h / group) * headDim;
            int len = positions[t] + 1;
            float[] s = scores.get();
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                float score = MatmulKernels.dot(q, qOff, keys, j * kvDim + kvOff, headDim) * scale;
                s[j] = score;
                max = Math.max(max, score);
            }
            float sum = 0f;
            for (int j = 0; j < len; j++) {
                float e = (float) Math.exp(s[j] - max);
                s[j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            Arrays.fill(att, qOff, qOff + headDim, 0f);
            for (int j = 0; j < len; j++) {
                Ops.axpy(s[j] * inv, values, j * kvDim + kvOff, att, qOff, headDim);
            }
        });
    }
}
