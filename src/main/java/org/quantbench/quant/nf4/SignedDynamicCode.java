package org.quantbench.quant.nf4;

/**
 * bitsandbytes' 8-bit signed dynamic quantization code ({@code create_dynamic_map(signed=True, max_exponent_bits=7,
 * total_bits=8)}), which double quantization uses for the block absmax values. Built from its definition: for each
 * decade {@code i = 0..6}, {@code 2^i + 1} boundaries evenly spaced over [0.1, 1], the {@code 2^i} means of neighbouring
 * boundaries scaled by {@code 10^(i-6)}, with both signs; then 0 and 1; sorted. 256 values from -0.99296875 to 1,
 * dense near zero; 0 is code 127.
 * <p>
 * Rounding: the boundaries are float32 (bitsandbytes builds them with a float32 linspace); the means and the decade
 * scaling are computed in double and each value is rounded to float32 once. This reproduces the float32 table
 * bitsandbytes publishes bit for bit (checked outside the repository against a copy of all 256 values).
 */
public final class SignedDynamicCode {
    private static final float[] VALUES = build();
    /** The code of 0. */
    public static final int ZERO = 127;

    private SignedDynamicCode() {}

    public static float value(int code) {
        return VALUES[code];
    }

    /** The 256 values by code (ascending), a fresh copy. */
    public static float[] values() {
        return VALUES.clone();
    }

    /** The code whose value is nearest to {@code v}; on an exact tie the lower code. */
    public static int nearest(float v) {
        int lo = 0;
        int hi = VALUES.length - 1;
        while (lo < hi) { // first code with value >= v (or the last)
            int mid = (lo + hi) >>> 1;
            if (VALUES[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo > 0 && Math.abs((double) v - VALUES[lo - 1]) <= Math.abs((double) VALUES[lo] - v)) {
            return lo - 1;
        }
        return lo;
    }

    private static float[] build() {
        double[] decades = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1};
        float[] v = new float[256];
        int n = 0;
        for (int i = 0; i < decades.length; i++) {
            int points = (1 << i) + 1;
            float[] boundaries = new float[points];
            for (int k = 0; k < points; k++) {
                boundaries[k] = (float) (0.1 + (1.0 - 0.1) * k / (points - 1));
            }
            for (int k = 0; k + 1 < points; k++) {
                float value = (float) (((double) boundaries[k] + boundaries[k + 1]) / 2.0 * decades[i]);
                v[n++] = value;
                v[n++] = -value;
            }
        }
        v[n++] = 0f;
        v[n++] = 1f;
        if (n != v.length) {
            throw new AssertionError("dynamic code has " + n + " values");
        }
        java.util.Arrays.sort(v);
        return v;
    }
}
