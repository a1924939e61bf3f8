package org.quantbench.quant.nf4;

/**
 * The 16 values of the NF4 data type (bitsandbytes' "quant_map"), quantiles of a normal distribution scaled to
 * [-1, 1] with an exact zero at code 7. Codes are the indices 0..15.
 */
public final class Nf4Code {
    /** bitsandbytes' float32 values; the reference notes print them rounded to 7 decimals. */
    private static final float[] VALUES = {
        -1f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
        -0.18477343022823334f, -0.09105003625154495f, 0f, 0.07958029955625534f, 0.16093020141124725f,
        0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1f,
    };
    /** The 15 float midpoints between neighbouring values: the decision thresholds of the nearest-value search. */
    private static final float[] MIDPOINTS = midpoints();
    /** The code of 0 (also used for every weight of an all-zero block). */
    public static final int ZERO = 7;

    private Nf4Code() {}

    public static float value(int code) {
        return VALUES[code];
    }

    /** The 16 values by code, a fresh copy. */
    public static float[] values() {
        return VALUES.clone();
    }

    /** Midpoint between codes {@code k} and {@code k + 1}, for {@code k < 15}. */
    static float midpoint(int k) {
        return MIDPOINTS[k];
    }

    /**
     * The code whose value is nearest to {@code v} (a weight divided by its block's absmax, so within [-1, 1]; finite);
     * a value exactly on a midpoint takes the lower code, as bitsandbytes' {@code x > threshold} decision tree does.
     */
    public static int nearest(float v) {
        // The number of midpoints below v, without branches (a search mispredicts on weights): for finite floats
        // m - v is negative exactly when v > m, and an exact tie gives +0.
        int k = 0;
        for (float m : MIDPOINTS) {
            k += Float.floatToRawIntBits(m - v) >>> 31;
        }
        return k;
    }

    private static float[] midpoints() {
        float[] m = new float[VALUES.length - 1];
        for (int k = 0; k < m.length; k++) {
            m[k] = (VALUES[k] + VALUES[k + 1]) / 2f;
        }
        return m;
    }
}
