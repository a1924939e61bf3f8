package org.quantbench.quant.ggml;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** llama.cpp's x86 activation quantizer on hand-computed blocks. */
class Q8ActivationsTest {

    private static float[] block(float... head) {
        float[] x = new float[32];
        System.arraycopy(head, 0, x, 0, head.length);
        return x;
    }

    /** amax 127 makes the multiplier exactly 1, so ties stay ties: they go to the even code (the reference rounds 2.5 to 3). */
    @Test
    void tiesRoundToEven() {
        float[] x = block(127f, 2.5f, -2.5f, 0.5f, -0.5f, 1.5f, 3.5f, -127f);
        byte[] q = new byte[32];
        float[] d = new float[1];
        float[] s = new float[1];
        Q8Activations.quantize(x, 0, 32, q, 0, d, s, 0);
        assertThat(q).startsWith(127, 2, -2, 0, 0, 2, 4, -127, 0);
        assertThat(d[0]).isEqualTo(1f);
        assertThat(s[0]).isEqualTo(127 + 2 - 2 + 2 + 4 - 127);
    }

    /** d = fp16(1/127) = 1.0078125 * 2^-7; codes x * 127; Q8_1's sum fp16(165 / 127) = 1.298828125. */
    @Test
    void scaleAndSumAreStoredAsFp16() {
        float[] x = block(1f, 0.3f, -0.25f);
        byte[] q = new byte[32];
        float[] d = new float[1];
        float[] s = new float[1];
        Q8Activations.quantize(x, 0, 32, q, 0, d, s, 0);
        assertThat(q).startsWith(127, 38, -32, 0);
        assertThat(d[0]).isEqualTo(0.0078735352f);
        // 127 + 38 - 32 = 133; (1/127) * 133 = 1.0472441 -> fp16 1.046875
        assertThat(s[0]).isEqualTo(1.046875f);
    }

    /** An all-zero block (amax 0) gets scale 0 and zero codes, never a division by zero; -0 counts as zero. */
    @Test
    void zeroBlockHasZeroScale() {
        float[] x = new float[64];
        x[33] = -0f;
        x[40] = 64f;
        byte[] q = new byte[64];
        float[] d = new float[2];
        float[] s = new float[2];
        Q8Activations.quantize(x, 0, 64, q, 0, d, s, 0);
        assertThat(d).containsExactly(0f, Q8Activations.fp16(64f / 127f));
        assertThat(s[0]).isZero();
        for (int i = 0; i < 32; i++) {
            assertThat(q[i]).isZero();
        }
        assertThat(q[40]).isEqualTo((byte) 127);
        assertThat(s[1]).isEqualTo(Q8Activations.fp16(64f / 127f * 127));
    }

    /** Offsets: a row in the middle of an array, written into the middle of the outputs; no sums when s is null. */
    @Test
    void offsetsAndQ8_0WithoutSums() {
        float[] x = new float[3 + 32];
        x[3] = -10f;
        x[4] = 5f;
        byte[] q = new byte[40];
        float[] d = new float[3];
        Q8Activations.quantize(x, 3, 32, q, 8, d, null, 2);
        assertThat(q[8]).isEqualTo((byte) -127);
        // 5 * fl(127 / 10) rounds to exactly 63.5 in float: a tie, to the even 64.
        assertThat(q[9]).isEqualTo((byte) 64);
        assertThat(d[2]).isEqualTo(Q8Activations.fp16(10f / 127f));
        assertThat(d[0]).isZero();
    }

    @Test
    void rowsMustBeWholeBlocks() {
        assertThatThrownBy(() -> Q8Activations.quantize(new float[40], 0, 40, new byte[40], 0, new float[2], null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks of 32");
    }
}
