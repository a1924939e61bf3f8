package org.quantbench.quant.fp8;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

class Fp8E4M3Test {

    /** The value of a code from the format's definition, in double. */
    private static double definition(int code) {
        int e = (code >> 3) & 15;
        int m = code & 7;
        double v = e == 0 ? m / 8.0 * Math.pow(2, -6) : (1 + m / 8.0) * Math.pow(2, e - 7);
        return (code & 0x80) != 0 ? -v : v;
    }

    @Test
    void everyCodeDecodesToItsDefinedValue() {
        for (int c = 0; c < 256; c++) {
            float v = Fp8E4M3.decode(c);
            if ((c & 0x7F) == 0x7F) {
                assertThat(v).as("code %02x", c).isNaN();
                assertThat(Fp8E4M3.isNaN(c)).isTrue();
            } else {
                assertThat((double) v).as("code %02x", c).isEqualTo(definition(c));
                assertThat(Fp8E4M3.isNaN(c)).isFalse();
                assertThat(Fp8E4M3.decodeBits(c)).as("bit-manipulation decode of %02x", c).isEqualTo(v);
            }
        }
        assertThat(Fp8E4M3.decode(0x7E)).isEqualTo(448f);
        assertThat(Fp8E4M3.decode(0xFE)).isEqualTo(-448f);
        assertThat(Fp8E4M3.decode(0x38)).isEqualTo(1f);
        assertThat(Fp8E4M3.decode(0x08)).isEqualTo(0x1p-6f);
        assertThat(Fp8E4M3.decode(0x01)).isEqualTo(0x1p-9f);
        assertThat(Fp8E4M3.decode(0x07)).isEqualTo(7 * 0x1p-9f);
        assertThat(Float.floatToRawIntBits(Fp8E4M3.decode(0x80))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(Fp8E4M3.table()).hasSize(256);
    }

    @Test
    void everyRepresentableValueEncodesBackToItsCode() {
        for (int c = 0; c < 256; c++) {
            if (!Fp8E4M3.isNaN(c)) {
                assertThat(Fp8E4M3.encode(Fp8E4M3.decode(c))).as("code %02x", c).isEqualTo(c);
            }
        }
    }

    @Test
    void midpointsBetweenNeighboursRoundToTheEvenCode() {
        for (int sign : new int[] {0, 0x80}) {
            for (int c = 0; c < Fp8E4M3.MAX_CODE; c++) {
                float lo = Fp8E4M3.decode(sign | c);
                float hi = Fp8E4M3.decode(sign | (c + 1));
                float mid = (float) (((double) lo + hi) / 2); // exact: one bit more than E4M3 has
                assertThat((double) mid).isEqualTo(((double) lo + hi) / 2);
                int even = (c & 1) == 0 ? c : c + 1;
                assertThat(Fp8E4M3.encode(mid)).as("midpoint of %02x and %02x", sign | c, sign | (c + 1)).isEqualTo(sign | even);
                float towardLo = sign == 0 ? Math.nextDown(mid) : Math.nextUp(mid);
                float towardHi = sign == 0 ? Math.nextUp(mid) : Math.nextDown(mid);
                assertThat(Fp8E4M3.encode(towardLo)).isEqualTo(sign | c);
                assertThat(Fp8E4M3.encode(towardHi)).isEqualTo(sign | (c + 1));
            }
        }
    }

    @Test
    void saturatesAtTheLargestFiniteValue() {
        for (float v : new float[] {448f, 449f, 463.99f, 464f, 480f, 1e6f, Float.MAX_VALUE, Float.POSITIVE_INFINITY}) {
            assertThat(Fp8E4M3.encode(v)).as("%s", v).isEqualTo(0x7E);
            assertThat(Fp8E4M3.encode(-v)).as("%s", -v).isEqualTo(0xFE);
        }
        assertThat(Fp8E4M3.encode(447f)).isEqualTo(0x7E); // rounds up to 448 (neighbour 416)
        assertThat(Fp8E4M3.encode(431f)).isEqualTo(0x7D); // nearer 416 than 448
    }

    @Test
    void nanBecomesTheNanCodeWithItsSign() {
        assertThat(Fp8E4M3.encode(Float.NaN)).isEqualTo(0x7F);
        assertThat(Fp8E4M3.encode(Float.intBitsToFloat(0xFFC0_0000))).isEqualTo(0xFF);
        assertThat(Fp8E4M3.encode(Float.intBitsToFloat(0x7F80_0001))).isEqualTo(0x7F);
    }

    @Test
    void subnormalsAndZeros() {
        assertThat(Fp8E4M3.encode(0f)).isEqualTo(0);
        assertThat(Fp8E4M3.encode(-0f)).isEqualTo(0x80);
        assertThat(Fp8E4M3.encode(Float.MIN_VALUE)).isEqualTo(0);
        assertThat(Fp8E4M3.encode(0x1p-10f)).isEqualTo(0); // tie between 0 and 2^-9: even is 0
        assertThat(Fp8E4M3.encode(Math.nextUp(0x1p-10f))).isEqualTo(1);
        assertThat(Fp8E4M3.encode(3 * 0x1p-10f)).isEqualTo(2); // tie between 1 and 2
        assertThat(Fp8E4M3.encode(15 * 0x1p-10f)).isEqualTo(8); // tie between 7 and the smallest normal
        assertThat(Fp8E4M3.encode(-0x1p-9f)).isEqualTo(0x81);
    }

    @Test
    void kernelDecodeOfRunsMatchesTheTable() {
        int n = 1000;
        MemorySegment codes = Arena.ofAuto().allocate(n);
        int[] valid = java.util.stream.IntStream.range(0, 256).filter(c -> !Fp8E4M3.isNaN(c)).toArray();
        for (int i = 0; i < n; i++) {
            codes.set(ValueLayout.JAVA_BYTE, i, (byte) valid[(i * 7) % valid.length]);
        }
        for (int start : new int[] {0, 3, 16}) {
            float[] dst = new float[n + 2];
            Fp8Kernels.decodeRun(codes, start, n - start, dst, 2);
            for (int i = 0; i < n - start; i++) {
                assertThat(dst[2 + i]).isEqualTo(Fp8E4M3.decode(codes.get(ValueLayout.JAVA_BYTE, start + i)));
            }
        }
    }

    @Test
    void roundEqualsDecodeOfEncode() {
        for (long b = 0; b <= 0xFFFF_FFFFL; b += 251) { // about 17 million bit patterns, every exponent and sign
            float v = Float.intBitsToFloat((int) b);
            assertRoundsLikeTheCast(v);
        }
        for (int c = 0; c < 256; c++) {
            float v = Fp8E4M3.decode(c);
            for (float w : new float[] {v, Math.nextUp(v), Math.nextDown(v)}) {
                assertRoundsLikeTheCast(w);
            }
        }
        for (float v : new float[] {0x1p-10f, 3 * 0x1p-10f, 15 * 0x1p-10f, 464f, 480f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MAX_VALUE, Float.MIN_VALUE, -0f}) {
            assertRoundsLikeTheCast(v);
        }
    }

    private static void assertRoundsLikeTheCast(float v) {
        float expected = Fp8E4M3.decode(Fp8E4M3.encode(v));
        float got = Fp8E4M3.round(v);
        if (Float.isNaN(expected)) {
            assertThat(got).as("%s", v).isNaN();
        } else if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(expected)) {
            assertThat(got).as("round(%s) [bits %08x]", v, Float.floatToRawIntBits(v)).isEqualTo(expected);
        }
    }

    @Test
    void vectorCastOfQuotientsMatchesTheScalarOne() {
        java.util.Random r = new java.util.Random(3);
        int n = 4000;
        float[] src = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = switch (i % 5) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> (float) (r.nextGaussian() * 1e-3); // subnormal after scaling
                case 2 -> Fp8E4M3.decode(r.nextInt(256)) * 0.5f; // on the grid (and NaN)
                case 3 -> (float) ((Fp8E4M3.decode(r.nextInt(126)) + Fp8E4M3.decode(r.nextInt(126) + 1)) / 4.0); // midpoints
                default -> (float) (r.nextGaussian() * 400);
            };
        }
        src[7] = Float.POSITIVE_INFINITY;
        src[8] = Float.NEGATIVE_INFINITY;
        src[9] = -0f;
        float s = 0.5f;
        float[] dst = new float[n + 3];
        Fp8Kernels.roundQuotients(src, 0, s, dst, 3, n);
        for (int i = 0; i < n; i++) {
            float expected = Fp8E4M3.round(src[i] / s);
            assertThat(Float.floatToRawIntBits(dst[3 + i])).as("element %d (%s)", i, src[i])
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
        float[] noNan = java.util.Arrays.copyOf(src, n);
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(noNan[i])) {
                noNan[i] = i;
            }
        }
        assertThat(Fp8Kernels.amax(noNan, 10, 1000)).isEqualTo(maxAbs(noNan, 10, 1000));
        assertThat(Fp8Kernels.amax(src, 0, n)).isNaN(); // a NaN activation makes the token scale NaN
    }

    private static float maxAbs(float[] x, int off, int n) {
        float m = 0;
        for (int i = off; i < off + n; i++) {
            m = Math.max(m, Math.abs(x[i]));
        }
        return m;
    }
}
