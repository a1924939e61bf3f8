package org.quantbench.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class GgmlQuantizersTest {

    /** 64 varied values then a zero block: x_j = (((j*37) % 101) - 50) / 7.3 in float. */
    private static float[] sample() {
        float[] x = new float[96];
        for (int j = 0; j < 64; j++) {
            x[j] = (float) (((j * 37) % 101) - 50) / 7.3f;
        }
        return x;
    }

    // Bytes from the python gguf package's quantize() on the same input; its Q8_0 is documented as bit-exact with
    // ggml's reference, and its Q4_0/Q4_1 use the same truncating rounding.
    private static final String PY_Q8_0 = "e72a81df3d9af856b41270cd2b89e745a2005ebb1977d53390ee4caa0866c3217fdcc42a3c96f656"
            + "b0106fca2984e3439efd5db71777d1318beb4ba50565bf1f7fd93993000000000000000000000000"
            + "00000000000000000000000000000000000000000000";
    private static final String PY_Q4_0 = "d93ae046acf258bd1379df358be046acf268b6ba740fb953fd9731eb852fca640ea842fd00808888"
            + "8888888888888888888888888888";
    private static final String PY_Q4_1 = "4e3bd9c6d0369bf157bd1369ce248ae0469cf258163b93c69bf157ad0368ce248ad0469bf257bd13"
            + "0000000000000000000000000000000000000000";

    @Test
    void bytesMatchPythonGguf() {
        float[] x = sample();
        assertThat(hex(DType.Q8_0, x)).isEqualTo(PY_Q8_0);
        assertThat(hex(DType.Q4_0, x)).isEqualTo(PY_Q4_0);
        assertThat(hex(DType.Q4_1, x)).isEqualTo(PY_Q4_1);
    }

    @Test
    void q8_0RoundsHalvesAwayFromZero() {
        float[] x = new float[32];
        float[] values = {127, 2.5f, -2.5f, 0.5f, -0.5f, 1.49f, -126.5f};
        System.arraycopy(values, 0, x, 0, values.length);
        MemorySegment block = encode(DType.Q8_0, x);
        assertThat(block.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)).isEqualTo((short) 0x3C00); // d = 127/127 = 1
        byte[] q = block.asSlice(2, 7).toArray(ValueLayout.JAVA_BYTE);
        assertThat(q).containsExactly(127, 3, -3, 1, -1, 1, -127);
    }

    @Test
    void q4_0MapsTheLargestMagnitudeToMinusEight() {
        float[] x = new float[32];
        float[] values = {-16, 14, 15, 1, 0.9f, -1, -1.1f};
        System.arraycopy(values, 0, x, 0, values.length);
        // d = -16 / -8 = 2, q = trunc(x/2 + 8.5) capped at 15
        int[] expected = {0, 15, 15, 9, 8, 8, 7};
        int[] q = nibbles(encode(DType.Q4_0, x), 2);
        for (int j = 0; j < expected.length; j++) {
            assertThat(q[j]).as("x=%s", x[j]).isEqualTo(expected[j]);
        }
        assertThat(q[16]).isEqualTo(8); // zeros sit at 8

        float[] y = new float[32];
        y[3] = 16;
        y[4] = -16; // the first of equal magnitudes wins: d = 16 / -8 = -2, so -16 clamps to 15
        int[] q2 = nibbles(encode(DType.Q4_0, y), 2);
        assertThat(q2[3]).isZero();
        assertThat(q2[4]).isEqualTo(15);
        assertThat(decoded(DType.Q4_0, y)[4]).isEqualTo(-14f);
    }

    @Test
    void q4_1SpansMinToMax() {
        float[] x = new float[32];
        java.util.Arrays.fill(x, 0);
        float[] values = {-1, 14, 3.5f, 3.49f};
        System.arraycopy(values, 0, x, 0, values.length);
        MemorySegment block = encode(DType.Q4_1, x);
        assertThat(Float.float16ToFloat(block.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0))).isEqualTo(1f);  // (14+1)/15
        assertThat(Float.float16ToFloat(block.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2))).isEqualTo(-1f); // min
        int[] q = nibbles(block, 4);
        assertThat(new int[] {q[0], q[1], q[2], q[3], q[4]}).containsExactly(0, 15, 5, 4, 1);
    }

    @Test
    void roundTripsStayWithinHalfAStep() {
        Random random = new Random(42);
        float[] x = new float[32 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * (1 + i / 256));
        }
        for (DType type : new DType[] {DType.Q8_0, DType.Q4_0, DType.Q4_1}) {
            MemorySegment encoded = MemorySegment.ofArray(new byte[(int) type.bytesFor(x.length)]);
            encode(type, x, encoded);
            float[] y = new float[x.length];
            RowDecoders.decode(type, encoded, 0, y, 0, x.length);
            int steps = type == DType.Q8_0 ? 127 : type == DType.Q4_0 ? 8 : 15;
            for (int b = 0; b < x.length / 32; b++) {
                long at = (long) b * type.blockBytes();
                float d = Math.abs(Float.float16ToFloat(encoded.get(ValueLayout.JAVA_SHORT_UNALIGNED, at)));
                float m = type == DType.Q4_1 ? Math.abs(Float.float16ToFloat(encoded.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2))) : 0;
                // Half a step, plus how far storing d (and m) as fp16 (relative error <= 2^-11) moves the grid.
                double tolerance = d * (0.5 + steps * 0x1p-10) + m * 0x1p-10;
                if (type == DType.Q4_0) {
                    tolerance += d; // the positive end of the range clamps at 15, one step short of +8
                }
                for (int j = 32 * b; j < 32 * b + 32; j++) {
                    assertThat((double) Math.abs(y[j] - x[j])).as("%s element %d", type, j).isLessThanOrEqualTo(tolerance);
                }
            }
        }
    }

    @Test
    void zeroBlocksEncodeToZeroScale() {
        float[] x = new float[32];
        for (DType type : new DType[] {DType.Q8_0, DType.Q4_0, DType.Q4_1}) {
            for (float v : decoded(type, x)) {
                assertThat(v == 0f).as("%s decodes zeros (Q4_0 as -0.0, from d = 0 / -8)", type).isTrue();
            }
        }
    }

    @Test
    void roundHalfAwayMatchesCRoundf() {
        assertThat(GgmlQuantizers.roundHalfAway(2.5f)).isEqualTo(3);
        assertThat(GgmlQuantizers.roundHalfAway(-2.5f)).isEqualTo(-3);
        assertThat(GgmlQuantizers.roundHalfAway(0.49999997f)).isZero();
        assertThat(GgmlQuantizers.roundHalfAway(-0.49999997f)).isZero();
        assertThat(GgmlQuantizers.roundHalfAway(126.5f)).isEqualTo(127);
    }

    private static String hex(DType type, float[] x) {
        return HexFormat.of().formatHex(encode(type, x).toArray(ValueLayout.JAVA_BYTE));
    }

    private static MemorySegment encode(DType type, float[] x) {
        MemorySegment out = MemorySegment.ofArray(new byte[(int) type.bytesFor(x.length) + 5]).asSlice(5);
        encode(type, x, out);
        return out;
    }

    private static void encode(DType type, float[] x, MemorySegment out) {
        switch (type) {
            case Q8_0 -> GgmlQuantizers.quantizeQ8_0(x, 0, x.length, out, 0);
            case Q4_0 -> GgmlQuantizers.quantizeQ4_0(x, 0, x.length, out, 0);
            case Q4_1 -> GgmlQuantizers.quantizeQ4_1(x, 0, x.length, out, 0);
            default -> throw new IllegalArgumentException(type.toString());
        }
    }

    private static float[] decoded(DType type, float[] x) {
        float[] y = new float[x.length];
        RowDecoders.decode(type, encode(type, x), 0, y, 0, x.length);
        return y;
    }

    private static int[] nibbles(MemorySegment block, int qsOffset) {
        int[] q = new int[32];
        for (int j = 0; j < 16; j++) {
            int packed = block.get(ValueLayout.JAVA_BYTE, qsOffset + j) & 0xFF;
            q[j] = packed & 0xF;
            q[j + 16] = packed >> 4;
        }
        return q;
    }
}
