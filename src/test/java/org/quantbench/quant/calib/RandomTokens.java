package org.quantbench.quant.calib;

import java.nio.file.Path;
import java.util.Random;

/** Seeded uniform token ids, the calibration batch of tests on synthetic models (whose text means nothing). */
public final class RandomTokens {
    private RandomTokens() {}

    /** {@code samples} rows of {@code length} ids below {@code vocab}, drawn in row order from {@code new Random(seed)}. */
    public static int[][] of(int vocab, int samples, int length, long seed) {
        Random r = new Random(seed);
        int[][] t = new int[samples][length];
        for (int[] s : t) {
            for (int i = 0; i < length; i++) {
                s[i] = r.nextInt(vocab);
            }
        }
        return t;
    }

    /** A calibration batch of {@link #of} (calibration seed 0), named as if read from {@code dir}/random-tokens. */
    public static CalibrationData calibration(Path dir, int vocab, int samples, int length, long seed) {
        return new CalibrationData(dir.resolve("random-tokens"), "0".repeat(64), of(vocab, samples, length, seed), length, 0);
    }
}
