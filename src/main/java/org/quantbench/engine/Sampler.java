package org.quantbench.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token: greedy at temperature 0, else softmax at the temperature, cut to the smallest set whose
 * probability reaches top-p (nucleus sampling), sampled from a seeded generator so runs are repeatable.
 */
public final class Sampler {
    private final float temperature;
    private final float topP;
    private final SplittableRandom random;

    public Sampler(float temperature, float topP, long seed) {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    public static Sampler greedy() {
        return new Sampler(0f, 1f, 0);
    }

    public int sample(float[] logits) {
        if (temperature == 0f) {
            return argmax(logits);
        }
        int n = logits.length;
        double max = logits[argmax(logits)];
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        double r = random.nextDouble();
        if (topP >= 1f) {
            return pick(p, identity(n), n, r, 1.0);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int kept = 0;
        double mass = 0;
        while (kept < n && mass < topP) {
            mass += p[order[kept++]];
        }
        int[] ids = new int[kept];
        for (int i = 0; i < kept; i++) {
            ids[i] = order[i];
        }
        return pick(p, ids, kept, r, mass);
    }

    private static int pick(double[] p, int[] ids, int count, double r, double mass) {
        double target = r * mass;
        double cdf = 0;
        for (int i = 0; i < count; i++) {
            cdf += p[ids[i]];
            if (target < cdf) {
                return ids[i];
            }
        }
        return ids[count - 1];
    }

    private static int[] identity(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }

    /** Index of the largest logit; the lowest index wins ties. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
