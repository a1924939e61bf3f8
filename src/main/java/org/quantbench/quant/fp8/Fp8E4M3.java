package org.quantbench.quant.fp8;

/**
 * The FP8 E4M3 "fn" format (e4m3fn): 1 sign bit, 4 exponent bits (bias 7), 3 mantissa bits, no infinities, NaN only
 * at S.1111.111, largest finite ±448, smallest normal 2^-6, smallest subnormal 2^-9. Codes are the byte's unsigned
 * value, 0..255.
 */
public final class Fp8E4M3 {
    /** The largest finite magnitude; the cast saturates to it. */
    public static final float MAX = 448f;
    /** Code of +448 (S.1111.110); the negative one is {@code 0x80 | MAX_CODE}. */
    public static final int MAX_CODE = 0x7E;
    /** Code of +NaN (S.1111.111). */
    public static final int NAN_CODE = 0x7F;

    private static final float[] TABLE = buildTable();
    private static final int MIN_NORMAL_BITS = 0x3C80_0000; // 2^-6 as float bits
    private static final int MAX_BITS = 0x43E0_0000;        // 448 as float bits
    private static final int SUBNORMAL_MAGIC_BITS = 0x4680_0000; // 2^14: its float ulp is 2^-9, the e4m3 subnormal step

    private Fp8E4M3() {}

    /** The value of a code (its low 8 bits); NaN for the two NaN codes. */
    public static float decode(int code) {
        return TABLE[code & 0xFF];
    }

    /** The 256 values by code, a fresh copy. */
    public static float[] table() {
        return TABLE.clone();
    }

    public static boolean isNaN(int code) {
        return (code & 0x7F) == NAN_CODE;
    }

    /**
     * The cast from float: round to nearest, ties to even; magnitudes from 448 up (infinities too) saturate to
     * ±448; NaN keeps its sign bit and becomes S.1111.111. Zero keeps its sign.
     */
    public static int encode(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 24) & 0x80;
        int abs = bits & 0x7FFF_FFFF;
        if (abs > 0x7F80_0000) {
            return sign | NAN_CODE;
        }
        if (abs >= MAX_BITS) {
            return sign | MAX_CODE;
        }
        if (abs < MIN_NORMAL_BITS) {
            // Adding 2^14 rounds |value| to a multiple of 2^-9 (ties to even) in float arithmetic; the low mantissa
            // bits of the sum are then the subnormal code, and 8 (= 2^-6) is exactly the smallest normal code.
            float sum = Float.intBitsToFloat(abs) + Float.intBitsToFloat(SUBNORMAL_MAGIC_BITS);
            return sign | (Float.floatToRawIntBits(sum) - SUBNORMAL_MAGIC_BITS);
        }
        // Keep 3 of the 23 mantissa bits, rounding to nearest even; a carry moves into the exponent as it should.
        int rounded = abs + 0x7_FFFF + ((abs >>> 20) & 1);
        int code = (rounded >>> 20) - ((127 - 7) << 3);
        return sign | Math.min(code, MAX_CODE);
    }

    /**
     * {@code decode(encode(value))} computed directly: the value rounded to the nearest E4M3 value (ties to even),
     * saturated to ±448, NaN kept. The same bit operations as {@link #encode}, leaving the result as a float.
     */
    public static float round(float value) {
        int bits = Float.floatToRawIntBits(value);
        int abs = bits & 0x7FFF_FFFF;
        if (abs > 0x7F80_0000) {
            return value;
        }
        int rounded;
        if (abs >= MAX_BITS) {
            rounded = MAX_BITS;
        } else if (abs < MIN_NORMAL_BITS) {
            float magic = Float.intBitsToFloat(SUBNORMAL_MAGIC_BITS);
            rounded = Float.floatToRawIntBits((Float.intBitsToFloat(abs) + magic) - magic);
        } else {
            rounded = Math.min((abs + 0x7_FFFF + ((abs >>> 20) & 1)) & 0xFFF0_0000, MAX_BITS);
        }
        return Float.intBitsToFloat(rounded | (bits & 0x8000_0000));
    }

    /**
     * The value of a non-NaN code without a table: the 7 magnitude bits moved into a float's exponent and mantissa
     * fields give the value times 2^-120 (subnormal codes land on float subnormals), and the product with 2^120 is
     * exact. This is the arithmetic the vector kernels use; for the NaN codes it gives ±480, so NaN codes must never
     * reach a kernel.
     */
    static float decodeBits(int code) {
        return Float.intBitsToFloat((code << 24 >> 4) & 0x87F0_0000) * 0x1p120f;
    }

    private static float[] buildTable() {
        float[] t = new float[256];
        for (int c = 0; c < 256; c++) {
            int exponent = (c >>> 3) & 0xF;
            int mantissa = c & 7;
            float magnitude;
            if (exponent == 0xF && mantissa == 7) {
                magnitude = Float.NaN;
            } else if (exponent == 0) {
                magnitude = Math.scalb((float) mantissa, -9);
            } else {
                magnitude = Math.scalb((float) (8 + mantissa), exponent - 10);
            }
            t[c] = (c & 0x80) != 0 ? -magnitude : magnitude;
        }
        return t;
    }
}
