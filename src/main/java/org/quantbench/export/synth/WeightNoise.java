package org.quantbench.export.synth;

import java.nio.charset.StandardCharsets;

/**
 * A fast, seeded stream of uniform noise with standard deviation {@code std} (range +-std*sqrt(3)), one stream per
 * tensor name so every tensor is the same whatever order or thread writes it. SplitMix64 gives 64 bits per step,
 * spent as two 24-bit floats.
 */
final class WeightNoise {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final float scale;
    private long state;

    WeightNoise(long seed, String tensorName, double std) {
        this.scale = (float) (std * Math.sqrt(3));
        this.state = mix(seed ^ fnv1a(tensorName));
    }

    /** Fills {@code values} with the next values of the stream. */
    void fill(float[] values) {
        int i = 0;
        for (; i + 1 < values.length; i += 2) {
            long bits = next();
            values[i] = uniform(bits >>> 40);
            values[i + 1] = uniform((bits >>> 16) & 0xFFFFFF);
        }
        if (i < values.length) {
            values[i] = uniform(next() >>> 40);
        }
    }

    /** 24 random bits -> [-scale, scale). */
    private float uniform(long bits24) {
        return ((bits24 * 0x1.0p-23f) - 1f) * scale;
    }

    private long next() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long fnv1a(String text) {
        long hash = 0xCBF29CE484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return hash;
    }
}
