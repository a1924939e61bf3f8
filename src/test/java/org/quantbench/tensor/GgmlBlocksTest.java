package org.quantbench.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Blocks assembled byte by byte here from the documented layouts, decoded and compared with values worked out
 * by hand. The pinned Q4_K/Q6_K numbers were cross-checked with the python gguf package's dequantize.
 */
class GgmlBlocksTest {
    private static final short HALF = 0x3800;       // fp16 0.5
    private static final short MINUS_HALF = (short) 0xB800;
    private static final short ONE = 0x3C00;
    private static final short TWO = 0x4000;
    private static final short MINUS_TWO = (short) 0xC000;
    private static final short QUARTER = 0x3400;
    private static final short EIGHTH = 0x3000;

    @Test
    void q8_0IsInt8TimesScale() {
        Bytes b = new Bytes(2 * 34 + 3).skip(3); // a non-zero offset, two blocks
        b.f16(HALF);
        for (int j = 0; j < 32; j++) b.u8(j - 16);
        b.f16(MINUS_HALF);
        for (int j = 0; j < 32; j++) b.u8(j == 0 ? -128 : 127 - j);
        float[] out = decode(DType.Q8_0, b, 3, 64);
        for (int j = 0; j < 32; j++) {
            assertThat(out[j]).isEqualTo((j - 16) * 0.5f);
        }
        assertThat(out[32]).isEqualTo(64f);       // -128 * -0.5
        assertThat(out[33]).isEqualTo(-63f);      // 126 * -0.5
        assertThat(out[63]).isEqualTo(-48f);      // 96 * -0.5
    }

    @Test
    void q4_0LowNibblesAreTheFirstHalf() {
        Bytes b = new Bytes(18);
        b.f16(TWO);
        for (int j = 0; j < 16; j++) b.u8(j | ((15 - j) << 4));
        float[] out = decode(DType.Q4_0, b, 0, 32);
        for (int j = 0; j < 16; j++) {
            assertThat(out[j]).as("low nibble %d", j).isEqualTo((j - 8) * 2f);
            assertThat(out[j + 16]).as("high nibble %d", j).isEqualTo((7 - j) * 2f);
        }
        assertThat(out[0]).isEqualTo(-16f);
        assertThat(out[16]).isEqualTo(14f);
    }

    @Test
    void q4_1AddsTheMinimum() {
        Bytes b = new Bytes(20);
        b.f16(ONE).f16(MINUS_TWO);
        for (int j = 0; j < 16; j++) b.u8((15 - j) | (j << 4));
        float[] out = decode(DType.Q4_1, b, 0, 32);
        for (int j = 0; j < 16; j++) {
            assertThat(out[j]).isEqualTo(15 - j - 2f);
            assertThat(out[j + 16]).isEqualTo(j - 2f);
        }
        assertThat(out[0]).isEqualTo(13f);
        assertThat(out[31]).isEqualTo(13f);
    }

    @Test
    void q4_kUnpacksSixBitScalesAndMins() {
        int[] sc = {1, 2, 63, 5, 17, 33, 48, 63};
        int[] m = {0, 3, 7, 63, 20, 36, 49, 1};
        Bytes b = new Bytes(144);
        b.f16(QUARTER).f16(HALF);
        // bytes 0-3: scales 0-3 + top bits of scales 4-7; 4-7: mins 0-3 + top bits of mins 4-7;
        // 8-11: low nibbles of scale 4-7 | low nibbles of min 4-7 << 4
        for (int j = 0; j < 4; j++) b.u8(sc[j] | ((sc[j + 4] >> 4) << 6));
        for (int j = 0; j < 4; j++) b.u8(m[j] | ((m[j + 4] >> 4) << 6));
        for (int j = 0; j < 4; j++) b.u8((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
        int[] qs = new int[128];
        for (int k = 0; k < 128; k++) {
            qs[k] = (k * 7 + 3) & 0xFF;
            b.u8(qs[k]);
        }
        float[] out = decode(DType.Q4_K, b, 0, 256);
        for (int e = 0; e < 256; e++) {
            int group = e / 64;
            int within = e % 64;
            int sub = 2 * group + within / 32;
            int packed = qs[32 * group + within % 32];
            int q = within < 32 ? packed & 0xF : packed >> 4;
            float expected = 0.25f * sc[sub] * q - 0.5f * m[sub];
            assertThat(out[e]).as("element %d", e).isEqualTo(expected);
        }
        // Pinned from python gguf's Q4_K dequantize on the same bytes.
        assertThat(out[0]).isEqualTo(0.75f);
        assertThat(out[33]).isEqualTo(-1.5f);
        assertThat(out[64]).isEqualTo(43.75f);
        assertThat(out[100]).isEqualTo(-12.75f);
        assertThat(out[200]).isEqualTo(107.5f);
        assertThat(out[255]).isEqualTo(109.75f);
        assertThat(sum(out)).isEqualTo(10888.0);
    }

    @Test
    void q6_kCombinesLowNibblesAndHighBits() {
        int[] q = new int[256];
        for (int e = 0; e < 256; e++) q[e] = (e * 5 + 1) % 64;
        int[] scales = new int[16];
        for (int i = 0; i < 16; i++) scales[i] = (i * 37) % 256 - 128;
        Bytes b = new Bytes(210);
        // Each half of 128: ql byte l holds elements l (low) and l+64 (high), byte l+32 holds l+32 and l+96;
        // qh byte l holds the top 2 bits of l, l+32, l+64, l+96 at bits 0, 2, 4, 6.
        int[] ql = new int[128];
        int[] qh = new int[64];
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int e = 128 * h + l;
                ql[64 * h + l] = (q[e] & 0xF) | ((q[e + 64] & 0xF) << 4);
                ql[64 * h + 32 + l] = (q[e + 32] & 0xF) | ((q[e + 96] & 0xF) << 4);
                qh[32 * h + l] = (q[e] >> 4) | ((q[e + 32] >> 4) << 2) | ((q[e + 64] >> 4) << 4) | ((q[e + 96] >> 4) << 6);
            }
        }
        for (int v : ql) b.u8(v);
        for (int v : qh) b.u8(v);
        for (int v : scales) b.u8(v);
        b.f16(EIGHTH);
        float[] out = decode(DType.Q6_K, b, 0, 256);
        for (int e = 0; e < 256; e++) {
            assertThat(out[e]).as("element %d", e).isEqualTo(0.125f * scales[e / 16] * (q[e] - 32));
        }
        // Pinned from python gguf's Q6_K dequantize on the same bytes.
        assertThat(out[0]).isEqualTo(496f);
        assertThat(out[16]).isEqualTo(170.625f);
        assertThat(out[70]).isEqualTo(-2.5f);
        assertThat(out[127]).isEqualTo(-437.5f);
        assertThat(out[128]).isEqualTo(341f);
        assertThat(out[255]).isEqualTo(-297.5f);
        assertThat(sum(out)).isEqualTo(-40.0);
    }

    @Test
    void partialBlocksAreRejected() {
        MemorySegment s = MemorySegment.ofArray(new byte[64]);
        assertThatThrownBy(() -> GgmlBlocks.decodeQ8_0(s, 0, new float[40], 0, 33))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
        assertThatThrownBy(() -> GgmlBlocks.decodeQ4_K(s, 0, new float[300], 0, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
    }

    @Test
    void rowDecodersDispatchToTheBlocks() {
        Bytes b = new Bytes(34);
        b.f16(ONE);
        for (int j = 0; j < 32; j++) b.u8(j);
        float[] out = new float[33];
        RowDecoders.decode(DType.Q8_0, b.segment(), 0, out, 1, 32);
        assertThat(out[0]).isZero();
        assertThat(out[32]).isEqualTo(31f);
    }

    private static float[] decode(DType type, Bytes b, long offset, int count) {
        float[] out = new float[count + 2];
        out[0] = Float.NaN;
        out[count + 1] = Float.NaN;
        RowDecoders.decode(type, b.segment(), offset, out, 1, count);
        assertThat(out[0]).as("before the destination range").isNaN();
        assertThat(out[count + 1]).as("after the destination range").isNaN();
        return java.util.Arrays.copyOfRange(out, 1, count + 1);
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) s += v;
        return s;
    }

    /** A little-endian byte builder for hand-made blocks. */
    static final class Bytes {
        private final byte[] data;
        private int at;

        Bytes(int size) { data = new byte[size]; }

        Bytes skip(int n) { at += n; return this; }

        Bytes u8(int v) { data[at++] = (byte) v; return this; }

        Bytes f16(short bits) { data[at++] = (byte) bits; data[at++] = (byte) (bits >> 8); return this; }

        MemorySegment segment() {
            assertThat(at).as("builder filled").isEqualTo(data.length);
            return MemorySegment.ofArray(data);
        }
    }
}
