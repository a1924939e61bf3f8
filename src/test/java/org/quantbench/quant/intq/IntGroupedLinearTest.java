package org.quantbench.quant.intq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quantbench.quant.intq.IntGroupedLinear.PER_CHANNEL;

class IntGroupedLinearTest {

    static Stream<IntQuantizer> quantizers() {
        Stream.Builder<IntQuantizer> b = Stream.builder();
        for (int bits = 2; bits <= 8; bits++) {
            b.add(IntQuantizer.asymmetric(bits));
            b.add(IntQuantizer.symmetric(bits, SymmetricConvention.LLM_COMPRESSOR));
            b.add(IntQuantizer.symmetric(bits, SymmetricConvention.AUTO_ROUND));
        }
        return b.build();
    }

    static Stream<Arguments> quantizerArgs() {
        return quantizers().map(Arguments::of);
    }

    /**
     * Shapes of the contract: 1, 7, 64, 172, 4099 columns; 1 and 13 rows; aligned, unaligned, per-channel and oversized
     * groups, and groups of one and three 16-lane vectors (the 4-bit lookup kernel's single-vector step).
     */
    @ParameterizedTest
    @MethodSource("quantizerArgs")
    void kernelsMatchTheReferenceAndEachOther(IntQuantizer q) {
        for (int cols : new int[] {1, 7, 64, 172, 4099}) {
            for (int rows : new int[] {1, 13}) {
                for (int group : new int[] {32, 128, PER_CHANNEL, 7, 5000, 16, 48}) {
                    WeightTensor w = IntTestData.gaussian("w", rows, cols, cols * 131L + rows * 7L + group);
                    IntGroupedLinear lin = IntGroupedLinear.quantize(w, q, group);
                    IntTestData.checkKernels(lin, cols + rows);
                }
            }
        }
    }

    /** Exact-size buffers (no slack after the codes) send the last rows to the scalar path: outputs must not change. */
    @ParameterizedTest
    @MethodSource("quantizerArgs")
    void restoreFromExactBuffersGivesIdenticalOutputs(IntQuantizer q) {
        for (int group : new int[] {64, PER_CHANNEL}) {
            WeightTensor w = IntTestData.gaussian("w", 13, 1030, 5 + group);
            IntGroupedLinear lin = IntGroupedLinear.quantize(w, q, group);
            IntGroupedLinear back = IntGroupedLinear.restore(13, 1030, q, group, copies(lin.buffers()));
            assertThat(back.format()).isEqualTo(lin.format());
            assertThat(back.residentBytes()).isEqualTo(lin.residentBytes());
            float[] a = new float[1030];
            float[] b = new float[1030];
            for (int r = 0; r < 13; r++) {
                lin.dequantizeRow(r, a, 0);
                back.dequantizeRow(r, b, 0);
                assertThat(b).isEqualTo(a);
            }
            float[] x = IntTestData.activations(13, 1030, 3);
            try (ComputePool one = new ComputePool(1)) {
                assertThat(IntTestData.forward(back, x, 13, one)).isEqualTo(IntTestData.forward(lin, x, 13, one));
                float[] x1 = java.util.Arrays.copyOf(x, 1030);
                assertThat(IntTestData.forward(back, x1, 1, one)).isEqualTo(IntTestData.forward(lin, x1, 1, one));
            }
            IntTestData.checkKernels(back, 11);
        }
    }

    @Test
    void outputsDoNotDependOnTheThreadCount() {
        WeightTensor w = IntTestData.gaussian("w", 40, 4099, 9);
        for (IntQuantizer q : new IntQuantizer[] {IntQuantizer.asymmetric(4), IntQuantizer.asymmetric(3),
                IntQuantizer.symmetric(8, SymmetricConvention.LLM_COMPRESSOR)}) {
            IntGroupedLinear lin = IntGroupedLinear.quantize(w, q, 128);
            try (ComputePool one = new ComputePool(1); ComputePool two = new ComputePool(2)) {
                for (int tokens : new int[] {1, 5}) {
                    float[] x = IntTestData.activations(tokens, 4099, tokens);
                    assertThat(IntTestData.forward(lin, x, tokens, two)).isEqualTo(IntTestData.forward(lin, x, tokens, one));
                }
            }
        }
    }

    /** Asymmetric: every value of the group; symmetric: every value inside the codes' range, the clamped side within a step. */
    @ParameterizedTest
    @MethodSource("quantizerArgs")
    void roundingErrorIsAtMostHalfAStepInsideTheRange(IntQuantizer q) {
        WeightTensor w = IntTestData.gaussian("w", 7, 300, q.bits() * 3L + q.tag().length());
        IntGroupedLinear lin = IntGroupedLinear.quantize(w, q, 64);
        float[] orig = new float[300];
        float[] deq = new float[300];
        int inside = 0;
        for (int r = 0; r < 7; r++) {
            w.readRow(r, orig, 0);
            lin.dequantizeRow(r, deq, 0);
            for (int c = 0; c < 300; c++) {
                int k = c / 64;
                float s = Math.abs(lin.scale(r, k));
                int z = lin.zero(r, k);
                float a = lin.scale(r, k) * (0 - z);
                float b = lin.scale(r, k) * (q.maxCode() - z);
                float err = Math.abs(orig[c] - deq[c]);
                float slack = Math.ulp(orig[c]) + Math.ulp(deq[c]);
                if (!q.symmetric() || (orig[c] >= Math.min(a, b) && orig[c] <= Math.max(a, b))) {
                    inside++;
                    assertThat(err).as("%s [%d,%d]", q, r, c).isLessThanOrEqualTo(s / 2 * (1 + 1e-6f) + slack);
                } else {
                    assertThat(err).as("%s [%d,%d] clamped", q, r, c).isLessThanOrEqualTo(s * (1 + 1e-6f) + slack);
                }
            }
        }
        assertThat(inside).isGreaterThan(7 * 300 * 9 / 10);
    }

    @Test
    void asymmetricParamsFollowTheReferenceFormula() {
        IntQuantizer q = IntQuantizer.asymmetric(2);
        IntGroupParams p = q.fit(new float[] {-1f, 0f, 2f}, 0, 3);
        assertThat(p).isEqualTo(new IntGroupParams(1f, 1));
        assertThat(q.quantize(-1f, p)).isZero();
        assertThat(q.quantize(2f, p)).isEqualTo(3);
        assertThat(q.quantize(0.5f, p)).isEqualTo(1); // rint(0.5) = 0: half to even
        assertThat(q.quantize(1.5f, p)).isEqualTo(3); // rint(1.5) = 2
        // positive-only group: the range still includes 0, so z = 0
        IntGroupParams pos = IntQuantizer.asymmetric(4).fit(new float[] {1f, 3f}, 0, 2);
        assertThat(pos).isEqualTo(new IntGroupParams(3f / 15, 0));
        IntGroupParams neg = IntQuantizer.asymmetric(4).fit(new float[] {-3f, -1f}, 0, 2);
        assertThat(neg).isEqualTo(new IntGroupParams(3f / 15, 15));
    }

    @Test
    void llmCompressorMapsPlusAbsmaxToSevenAndMinusAbsmaxToMinusEight() {
        IntQuantizer q = IntQuantizer.symmetric(4, SymmetricConvention.LLM_COMPRESSOR);
        for (float absmax : new float[] {7.5f, 0.75f, 3f, 1.5f, 0.1f}) {
            float[] g = {absmax, -absmax, 0.1f * absmax};
            IntGroupParams p = q.fit(g, 0, 3);
            assertThat(p.scale()).isEqualTo(absmax / 7.5f);
            assertThat(p.zero()).isEqualTo(8);
            assertThat(q.quantize(absmax, p) - 8).isEqualTo(7);
            assertThat(q.quantize(-absmax, p) - 8).isEqualTo(-8);
        }
        // float32 division: 1 / (1 / 7.5f) = 7.4999995, so -1 rounds to -7, as in compressed-tensors
        IntGroupParams one = q.fit(new float[] {1f, -1f}, 0, 2);
        assertThat(1f / one.scale()).isLessThan(7.5f);
        assertThat(q.quantize(-1f, one) - 8).isEqualTo(-7);
        assertThat(q.quantize(1f, one) - 8).isEqualTo(7);
        // the reference notes' symmetric formula s = 2m/(2^b-1) gives the same float
        for (int bits = 2; bits <= 8; bits++) {
            IntQuantizer qb = IntQuantizer.symmetric(bits, SymmetricConvention.LLM_COMPRESSOR);
            for (float m : new float[] {0.1f, 1.7f, 3.14159f, 1e-3f, 123.456f}) {
                IntGroupParams p = qb.fit(new float[] {m, -m / 2}, 0, 2);
                assertThat(p.scale()).isEqualTo(2 * m / ((1 << bits) - 1));
                assertThat(qb.quantize(m, p)).isEqualTo(qb.maxCode());
            }
        }
    }

    @Test
    void autoRoundMapsTheLargerExtremeToMinusEightWithAnFp16Scale() {
        IntQuantizer q = IntQuantizer.symmetric(4, SymmetricConvention.AUTO_ROUND);
        IntGroupParams pos = q.fit(new float[] {2f, -1f, 0.3f}, 0, 3);
        assertThat(pos.scale()).isEqualTo(-0.25f);
        assertThat(q.quantize(2f, pos)).isZero();
        assertThat(IntQuantizer.dequantize(0, pos.scale(), pos.zero())).isEqualTo(2f);
        assertThat(q.quantize(-1f, pos) - 8).isEqualTo(4);
        IntGroupParams neg = q.fit(new float[] {1f, -2f}, 0, 2);
        assertThat(neg.scale()).isEqualTo(0.25f);
        assertThat(q.quantize(-2f, neg)).isZero();
        assertThat(q.quantize(2f, neg)).isEqualTo(15); // +8 steps clamp to 7
        assertThat(q.fit(new float[] {2f, -2f}, 0, 2).scale()).isEqualTo(-0.25f); // tie: the positive extreme
        for (int bits = 2; bits <= 8; bits++) {
            IntQuantizer qb = IntQuantizer.symmetric(bits, SymmetricConvention.AUTO_ROUND);
            for (float e : new float[] {0.1234567f, -3.3f, 77.7f}) {
                IntGroupParams p = qb.fit(new float[] {e, -e / 3}, 0, 2);
                assertThat(Float.float16ToFloat(Float.floatToFloat16(p.scale()))).isEqualTo(p.scale());
                assertThat(Math.signum(p.scale())).isEqualTo(-Math.signum(e));
                assertThat(qb.quantize(e, p)).isZero();
            }
        }
        assertThatThrownBy(() -> q.fit(new float[] {1e6f}, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fp16");
    }

    @Test
    void allZeroGroupsDequantizeToZeroWithoutDividingByZero() {
        float[] v = new float[2 * 40];
        v[40 + 3] = 1f; // second row: one nonzero group, one zero group
        for (IntQuantizer q : quantizers().toList()) {
            IntGroupedLinear lin = IntGroupedLinear.quantize(IntTestData.f32("z", 2, 40, v), q, 32);
            float expectedScale = !q.symmetric() ? 0f
                    : q.convention() == SymmetricConvention.LLM_COMPRESSOR ? 0x1p-23f
                    : Float.float16ToFloat(Float.floatToFloat16(1e-5f));
            float[] d = new float[40];
            lin.dequantizeRow(0, d, 0);
            for (float f : d) {
                assertThat(Float.floatToIntBits(f)).isZero(); // +0, not -0
            }
            assertThat(lin.scale(0, 0)).isEqualTo(expectedScale);
            assertThat(lin.scale(1, 1)).isEqualTo(expectedScale);
            assertThat(lin.code(0, 5)).isEqualTo(lin.zero(0, 0));
            lin.dequantizeRow(1, d, 0);
            assertThat(d[3]).isCloseTo(1f, org.assertj.core.data.Offset.offset(Math.abs(lin.scale(1, 0))));
            try (ComputePool one = new ComputePool(1)) {
                float[] out = IntTestData.forward(lin, IntTestData.activations(1, 40, 1), 1, one);
                assertThat(out[0]).isZero();
                assertThat(Float.isFinite(out[1])).isTrue();
            }
        }
    }

    @Test
    void codesAreLittleEndianBitStreamsPerRow() {
        // 4 bits: even column in the low nibble
        byte[] codes4 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        IntGroupedLinear four = IntGroupedLinear.fromCodes(1, 11, IntQuantizer.asymmetric(4), 32, codes4,
                new float[] {1f}, new int[] {0});
        MemorySegment q4 = four.buffers().get("qweight");
        assertThat(q4.byteSize()).isEqualTo(6);
        assertThat(q4.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x21);
        assertThat(q4.get(ValueLayout.JAVA_BYTE, 5)).isEqualTo((byte) 0x0B);
        // 3 bits, two rows of 3 columns: 9 bits each, padded to 2 bytes per row
        byte[] codes3 = {5, 3, 6, 7, 1, 2};
        IntGroupedLinear three = IntGroupedLinear.fromCodes(2, 3, IntQuantizer.symmetric(3, SymmetricConvention.LLM_COMPRESSOR),
                PER_CHANNEL, codes3, new float[] {1f, 2f}, null);
        MemorySegment q3 = three.buffers().get("qweight");
        int row0 = 5 | 3 << 3 | 6 << 6;
        int row1 = 7 | 1 << 3 | 2 << 6;
        assertThat(q3.toArray(ValueLayout.JAVA_BYTE)).containsExactly((byte) row0, (byte) (row0 >> 8), (byte) row1, (byte) (row1 >> 8));
        float[] d = new float[3];
        three.dequantizeRow(1, d, 0);
        assertThat(d).containsExactly(2f * (7 - 4), 2f * (1 - 4), 2f * (2 - 4));
        for (int c = 0; c < 3; c++) {
            assertThat(three.code(0, c)).isEqualTo(codes3[c]);
        }
        // 8 bits: one byte per code, the same bytes
        byte[] codes8 = {(byte) 200, 0, 17};
        assertThat(IntGroupedLinear.fromCodes(1, 3, IntQuantizer.asymmetric(8), 2, codes8, new float[] {1f, 1f},
                new int[] {128, 3}).buffers().get("qweight").toArray(ValueLayout.JAVA_BYTE)).containsExactly(codes8);
    }

    /**
     * 4-bit codes in rows and groups of whole 32-code chunks are held in block order on 16 lanes: each code still
     * reads back as given, the stored buffer is the file's nibble pairs, and every kernel agrees with the reference.
     */
    @Test
    void blockOrderedNibblesReadBackAsGivenAndStoreInFileOrder() {
        int rows = 5;
        int cols = 96;
        java.util.Random rnd = new java.util.Random(3);
        byte[] codes = new byte[rows * cols];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) rnd.nextInt(16);
        }
        for (int group : new int[] {32, 64, PER_CHANNEL}) {
            int groups = group == PER_CHANNEL ? 1 : (cols + group - 1) / group;
            float[] scales = new float[rows * groups];
            int[] zeros = new int[rows * groups];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = 0.01f * (i + 1);
                zeros[i] = i % 16;
            }
            IntGroupedLinear lin = IntGroupedLinear.fromCodes(rows, cols, IntQuantizer.asymmetric(4), group, codes, scales, zeros);
            MemorySegment stored = lin.buffers().get("qweight");
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    assertThat(lin.code(r, c)).as("code [%d, %d], group %d", r, c, group).isEqualTo(codes[r * cols + c]);
                    int b = stored.get(ValueLayout.JAVA_BYTE, r * cols / 2L + c / 2);
                    assertThat((c % 2 == 0 ? b : b >>> 4) & 15).as("stored [%d, %d]", r, c).isEqualTo(codes[r * cols + c]);
                }
            }
            IntTestData.checkKernels(lin, group);
        }
    }

    /** Symmetric 8-bit codes are held as signed bytes: codes read back as given, the stored buffer is unsigned. */
    @Test
    void symmetricBytesReadBackAsGivenAndStoreUnsigned() {
        int rows = 5;
        int cols = 70;
        byte[] codes = new byte[rows * cols];
        new java.util.Random(4).nextBytes(codes);
        float[] scales = new float[rows];
        java.util.Arrays.fill(scales, 0.5f);
        IntGroupedLinear lin = IntGroupedLinear.fromCodes(rows, cols,
                IntQuantizer.symmetric(8, SymmetricConvention.LLM_COMPRESSOR), PER_CHANNEL, codes, scales, null);
        assertThat(lin.buffers().get("qweight").toArray(ValueLayout.JAVA_BYTE)).containsExactly(codes);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            lin.dequantizeRow(r, row, 0);
            for (int c = 0; c < cols; c++) {
                assertThat(lin.code(r, c)).isEqualTo(codes[r * cols + c] & 0xFF);
                assertThat(row[c]).isEqualTo(0.5f * ((codes[r * cols + c] & 0xFF) - 128));
            }
        }
        IntTestData.checkKernels(lin, 8);
    }

    @Test
    void fromCodesKeepsCodesScalesAndZeros() {
        WeightTensor w = IntTestData.gaussian("w", 5, 100, 1);
        for (IntQuantizer q : quantizers().toList()) {
            IntGroupedLinear rtn = IntGroupedLinear.quantize(w, q, 32);
            byte[] codes = new byte[500];
            float[] scales = new float[5 * 4];
            int[] zeros = q.symmetric() ? null : new int[20];
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < 100; c++) {
                    codes[r * 100 + c] = (byte) rtn.code(r, c);
                }
                for (int k = 0; k < 4; k++) {
                    scales[r * 4 + k] = rtn.scale(r, k);
                    if (zeros != null) {
                        zeros[r * 4 + k] = rtn.zero(r, k);
                    }
                }
            }
            IntGroupedLinear copy = IntGroupedLinear.fromCodes(5, 100, q, 32, codes, scales, zeros);
            for (String name : rtn.buffers().keySet()) {
                assertThat(copy.buffers().get(name).mismatch(rtn.buffers().get(name))).as(name).isEqualTo(-1);
            }
        }
    }

    /** Scales whose 2^-7 multiple is subnormal take the scalar paths; huge ones overflow alike in every path. */
    @Test
    void extremeScalesGiveTheSameOutputsInEveryPath() {
        java.util.Random r = new java.util.Random(4);
        for (int bits : new int[] {3, 4, 8}) {
            IntQuantizer q = IntQuantizer.asymmetric(bits);
            int rows = 6;
            int cols = 200;
            byte[] codes = new byte[rows * cols];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = (byte) r.nextInt(q.maxCode() + 1);
            }
            int groups = (cols + 47) / 48;
            for (float magnitude : new float[] {1e-40f, 1e-37f, 3e37f}) {
                float[] scales = new float[rows * groups];
                int[] zeros = new int[rows * groups];
                for (int i = 0; i < scales.length; i++) {
                    scales[i] = magnitude * (float) (r.nextGaussian());
                    zeros[i] = r.nextInt(q.maxCode() + 1);
                }
                IntGroupedLinear lin = IntGroupedLinear.fromCodes(rows, cols, q, 48, codes, scales, zeros);
                float[] x = IntTestData.activations(3, cols, bits);
                try (ComputePool one = new ComputePool(1)) {
                    float[] batched = IntTestData.forward(lin, x, 3, one);
                    for (int t = 0; t < 3; t++) {
                        float[] single = IntTestData.forward(lin, java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols), 1, one);
                        assertThat(java.util.Arrays.copyOfRange(batched, t * rows, (t + 1) * rows)).isEqualTo(single);
                    }
                }
            }
        }
    }

    @Test
    void bitsPerWeightAndResidentBytesFollowTheFormula() {
        IntGroupedLinear w4 = IntGroupedLinear.quantize(IntTestData.gaussian("w", 8, 256, 1), IntQuantizer.asymmetric(4), 128);
        assertThat(w4.bitsPerWeight()).isEqualTo(4 + 40.0 / 128);
        assertThat(w4.format()).isEqualTo("W4A16-g128-asym");
        IntGroupedLinear w8 = IntGroupedLinear.quantize(IntTestData.gaussian("w", 3, 4096, 1),
                IntQuantizer.symmetric(8, SymmetricConvention.LLM_COMPRESSOR), PER_CHANNEL);
        assertThat(w8.bitsPerWeight()).isEqualTo(8 + 32.0 / 4096);
        assertThat(w8.format()).isEqualTo("W8A16-ch-sym-llmc");
        IntGroupedLinear w2 = IntGroupedLinear.quantize(IntTestData.gaussian("w", 2, 512, 1),
                IntQuantizer.symmetric(2, SymmetricConvention.AUTO_ROUND), 64);
        assertThat(w2.bitsPerWeight()).isEqualTo(2 + 32.0 / 64);
        assertThat(w2.format()).isEqualTo("W2A16-g64-sym-autoround");
        // ragged: 4099 columns at 3 bits, g128 -> 33 groups, ceil(4099*3/8) = 1538 bytes of codes per row
        IntGroupedLinear w3 = IntGroupedLinear.quantize(IntTestData.gaussian("w", 5, 4099, 1), IntQuantizer.asymmetric(3), 128);
        assertThat(w3.groupsPerRow()).isEqualTo(33);
        assertThat(w3.residentBytes()).isEqualTo(5L * (1538 + 33 * 5));
        assertThat(w3.bitsPerWeight()).isEqualTo(8.0 * 5 * (1538 + 33 * 5) / (5 * 4099));
        for (IntGroupedLinear lin : new IntGroupedLinear[] {w4, w8, w2, w3}) {
            assertThat(lin.buffers().values().stream().mapToLong(MemorySegment::byteSize).sum()).isEqualTo(lin.residentBytes());
        }
    }

    @Test
    void nonFiniteWeightsAreRejectedByName() {
        float[] v = new float[3 * 10];
        v[2 * 10 + 5] = Float.NaN;
        assertThatThrownBy(() -> IntGroupedLinear.quantize(IntTestData.f32("blk.0.attn_q.weight", 3, 10, v),
                IntQuantizer.asymmetric(4), 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blk.0.attn_q.weight").hasMessageContaining("[2, 5]");
        v[2 * 10 + 5] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> IntGroupedLinear.quantize(IntTestData.f32("ffn", 3, 10, v),
                IntQuantizer.symmetric(8, SymmetricConvention.AUTO_ROUND), PER_CHANNEL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ffn").hasMessageContaining("Infinity");
    }

    @Test
    void badParametersAreRejected() {
        assertThatThrownBy(() -> IntQuantizer.asymmetric(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2..8");
        assertThatThrownBy(() -> IntQuantizer.symmetric(9, SymmetricConvention.LLM_COMPRESSOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9");
        assertThatThrownBy(() -> new IntQuantizer(4, true, null)).isInstanceOf(IllegalArgumentException.class);
        WeightTensor w = IntTestData.gaussian("w", 2, 8, 1);
        assertThatThrownBy(() -> IntGroupedLinear.quantize(w, IntQuantizer.asymmetric(4), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group");
        IntQuantizer q4 = IntQuantizer.asymmetric(4);
        assertThatThrownBy(() -> IntGroupedLinear.fromCodes(1, 2, q4, 2, new byte[] {16, 0}, new float[] {1f}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds 15");
        assertThatThrownBy(() -> IntGroupedLinear.fromCodes(1, 2, q4, 2, new byte[] {1, 0}, new float[] {1f}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero points");
        assertThatThrownBy(() -> IntGroupedLinear.fromCodes(1, 2, IntQuantizer.symmetric(4, SymmetricConvention.LLM_COMPRESSOR),
                2, new byte[] {1, 0}, new float[] {1f}, new int[] {8})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntGroupedLinear.fromCodes(1, 2, q4, 2, new byte[] {1, 0}, new float[] {Float.NaN}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void restoreRejectsMismatchedBuffers() {
        IntGroupedLinear lin = IntGroupedLinear.quantize(IntTestData.gaussian("w", 4, 100, 1), IntQuantizer.asymmetric(4), 32);
        Map<String, MemorySegment> good = copies(lin.buffers());
        IntQuantizer q = IntQuantizer.asymmetric(4);
        assertThat(IntGroupedLinear.restore(4, 100, q, 32, good).format()).isEqualTo(lin.format());
        assertThatThrownBy(() -> IntGroupedLinear.restore(4, 101, q, 32, good)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("qweight");
        assertThatThrownBy(() -> IntGroupedLinear.restore(4, 100, q, 64, good)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scales");
        assertThatThrownBy(() -> IntGroupedLinear.restore(4, 100, IntQuantizer.symmetric(4, SymmetricConvention.AUTO_ROUND), 32, good))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffers");
        Map<String, MemorySegment> noZeros = new HashMap<>(good);
        noZeros.remove("zeros");
        assertThatThrownBy(() -> IntGroupedLinear.restore(4, 100, q, 32, noZeros)).isInstanceOf(IllegalArgumentException.class);
        Map<String, MemorySegment> badZero = copies(good);
        badZero.get("zeros").set(ValueLayout.JAVA_BYTE, 3, (byte) 16);
        assertThatThrownBy(() -> IntGroupedLinear.restore(4, 100, q, 32, badZero)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zero point 16");
        Map<String, MemorySegment> badScale = copies(good);
        badScale.get("scales").set(ValueLayout.JAVA_FLOAT_UNALIGNED, 8, Float.POSITIVE_INFINITY);
        assertThatThrownBy(() -> IntGroupedLinear.restore(4, 100, q, 32, badScale)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Infinity");
    }

    /** Writable copies of exactly the buffers' sizes, as a cache file would give back. */
    static Map<String, MemorySegment> copies(Map<String, MemorySegment> buffers) {
        Map<String, MemorySegment> m = new HashMap<>();
        buffers.forEach((k, v) -> m.put(k, MemorySegment.ofArray(v.toArray(ValueLayout.JAVA_BYTE))));
        return m;
    }
}
