package org.quantbench.engine;

import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;

/**
 * Precomputed RoPE rotations for every position, computed in double and stored as float; or, for
 * {@link Numerics#LLAMA_CPP}, as ggml computes them: the angle starts at the position and is multiplied, in float, by
 * {@code theta^(-2/headDim)} from one pair to the next (divided by the frequency factor where RoPE scaling has one),
 * and its cosine and sine are taken in float; each rotated pair is then computed with fused multiply-adds.
 */
final class RopeTable {
    private final int half;
    private final RopeLayout layout;
    private final float[] cos;
    private final float[] sin;
    private final boolean fused;

    RopeTable(ModelConfig config, int positions) {
        this(config, positions, Numerics.EXACT);
    }

    RopeTable(ModelConfig config, int positions, Numerics numerics) {
        this.half = config.headDim() / 2;
        this.layout = config.ropeLayout();
        this.fused = numerics == Numerics.LLAMA_CPP;
        double[] inv = inverseFrequencies(config);
        cos = new float[positions * half];
        sin = new float[positions * half];
        float step = (float) Math.pow((float) config.ropeTheta(), -2.0f / config.headDim());
        for (int p = 0; p < positions; p++) {
            float theta = p;
            for (int i = 0; i < half; i++) {
                if (numerics == Numerics.LLAMA_CPP) {
                    // ggml's frequency factor: how much RoPE scaling lowered this pair's frequency.
                    float factor = (float) (Math.pow(config.ropeTheta(), -2.0 * i / config.headDim()) / inv[i]);
                    float angle = config.ropeScaling().isNone() ? theta : theta / factor;
                    cos[p * half + i] = (float) Math.cos(angle);
                    sin[p * half + i] = (float) Math.sin(angle);
                    theta *= step;
                } else {
                    double angle = p * inv[i];
                    cos[p * half + i] = (float) Math.cos(angle);
                    sin[p * half + i] = (float) Math.sin(angle);
                }
            }
        }
    }

    static double[] inverseFrequencies(ModelConfig config) {
        int half = config.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
        }
        RopeScaling s = config.ropeScaling();
        if (!s.isNone()) {
            // Llama 3.1 "llama3" scaling: keep high frequencies, divide low ones by factor, blend in between.
            double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
            double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
            for (int i = 0; i < half; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > lowWavelen) {
                    inv[i] /= s.factor();
                } else if (wavelen >= highWavelen) {
                    double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                            / (s.highFreqFactor() - s.lowFreqFactor());
                    inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
                }
            }
        }
        return inv;
    }

    int positions() { return cos.length / half; }

    /** Rotates every head of {@code v[off .. off + heads*headDim)} for position {@code pos}. */
    void rotate(float[] v, int off, int heads, int pos) {
        int base = pos * half;
        int headDim = 2 * half;
        for (int h = 0; h < heads; h++) {
            int o = off + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = layout == RopeLayout.INTERLEAVED ? o + 2 * i : o + i;
                int b = layout == RopeLayout.INTERLEAVED ? a + 1 : a + half;
                float c = cos[base + i];
                float s = sin[base + i];
                float x0 = v[a];
                float x1 = v[b];
                if (fused) {
                    // As ggml's x86 builds compile it: each product pair contracted to one fused multiply-add.
                    v[a] = Math.fma(x0, c, -(x1 * s));
                    v[b] = Math.fma(x0, s, x1 * c);
                } else {
                    v[a] = x0 * c - x1 * s;
                    v[b] = x0 * s + x1 * c;
                }
            }
        }
    }
}
