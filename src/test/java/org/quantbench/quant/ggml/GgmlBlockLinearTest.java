package org.quantbench.quant.ggml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.GgmlQuantizers;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgmlBlockLinearTest {
    private static final DType[] TYPES = {DType.Q8_0, DType.Q4_0, DType.Q4_1};

    /** Block multiples around the vector width, the 512-column K-block of the GEMM, and several K-blocks. */
    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType type : TYPES) {
            for (int cols : new int[] {32, 96, 544, 4096 + 32}) {
                for (int rows : new int[] {1, 13, 37}) {
                    b.add(Arguments.of(type, rows, cols));
                }
            }
        }
        return b.build();
    }

    static WeightTensor gaussian(String name, int rows, int cols, long seed) {
        Random r = new Random(seed);
        MemorySegment seg = Arena.ofAuto().allocate(4L * rows * cols, 8);
        for (long i = 0; i < (long) rows * cols; i++) {
            // Varying magnitudes per block, so scales differ from block to block.
            float scale = (float) Math.exp(r.nextGaussian());
            seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, scale * (float) r.nextGaussian());
        }
        return new WeightTensor(name, DType.F32, rows, cols, seg);
    }

    static float[] activations(int tokens, int cols, long seed) {
        Random r = new Random(seed);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static float[] dequantized(GgmlBlockLinear lin) {
        float[] w = new float[lin.outFeatures() * lin.inFeatures()];
        for (int r = 0; r < lin.outFeatures(); r++) {
            lin.dequantizeRow(r, w, r * lin.inFeatures());
        }
        return w;
    }

    /**
     * GEMV (one token) and GEMM (13 tokens) against dequantize-then-matmul in double; every token of the GEMM equals
     * that token's GEMV bit for bit, and one or two threads give the same bits.
     */
    @ParameterizedTest
    @MethodSource("shapes")
    void kernelsMatchTheReferenceAndEachOther(DType type, int rows, int cols) {
        GgmlBlockLinear lin = GgmlBlockLinear.quantize(gaussian("w", rows, cols, rows * 31L + cols), type);
        float[] w = dequantized(lin);
        int tokens = 13;
        float[] x = activations(tokens, cols, 7);
        float[] batched = new float[tokens * rows];
        float[] batchedOneThread = new float[tokens * rows];
        try (ComputePool two = new ComputePool(2); ComputePool one = new ComputePool(1)) {
            lin.forward(x, batched, tokens, two);
            lin.forward(x, batchedOneThread, tokens, one);
            assertThat(batchedOneThread).containsExactly(batched);
            for (int t = 0; t < tokens; t++) {
                float[] token = Arrays.copyOfRange(x, t * cols, (t + 1) * cols);
                float[] single = new float[rows];
                float[] singleTwoThreads = new float[rows];
                lin.forward(token, single, 1, one);
                lin.forward(token, singleTwoThreads, 1, two);
                assertThat(singleTwoThreads).containsExactly(single);
                for (int o = 0; o < rows; o++) {
                    double ref = 0;
                    double mag = 0;
                    for (int i = 0; i < cols; i++) {
                        double p = (double) w[o * cols + i] * token[i];
                        ref += p;
                        mag += Math.abs(p);
                    }
                    assertThat(Math.abs(single[o] - ref)).as("%s row %d token %d", type, o, t).isLessThanOrEqualTo(1e-5 * mag);
                    assertThat(single[o]).as("GEMV == GEMM, %s row %d token %d", type, o, t).isEqualTo(batched[t * rows + o]);
                }
            }
        }
    }

    /**
     * Arbitrary block bytes (every nibble and int8 value, scales and mins of every fp16 kind: subnormal, negative,
     * zero, huge) decode exactly as GgmlBlocks does, through the vectorized tile decoder and through the GEMV.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0", "Q4_1"})
    void arbitraryBlocksDecodeExactlyAsTheReference(DType type) {
        int rows = 21;
        int cols = 1024 + 64;
        Random r = new Random(type.ordinal());
        byte[] bytes = new byte[(int) (rows * type.bytesFor(cols))];
        r.nextBytes(bytes);
        MemorySegment seg = MemorySegment.ofArray(bytes);
        int halves = type == DType.Q4_1 ? 2 : 1;
        for (long at = 0; at < bytes.length; at += type.blockBytes()) {
            for (int h = 0; h < halves; h++) {
                seg.set(GgmlBlockDecoder.F16, at + 2L * h, finiteHalf(r));
            }
        }
        GgmlBlockLinear lin = GgmlBlockLinear.wrap(new WeightTensor("raw", type, rows, cols, seg));
        float[] reference = new float[cols];
        float[] decoded = new float[cols];
        float[] x = activations(1, cols, 3);
        for (int row = 0; row < rows; row++) {
            RowDecoders.decode(type, seg, row * type.bytesFor(cols), reference, 0, cols);
            lin.dequantizeRow(row, decoded, 0);
            assertThat(decoded).containsExactly(reference);
            // Tile decoding starts at any K-block.
            Arrays.fill(decoded, Float.NaN);
            GgmlBlockDecoder.decode(type, seg, row * type.bytesFor(cols), type.blockBytes(), decoded, 0, 512);
            GgmlBlockDecoder.decode(type, seg, row * type.bytesFor(cols) + type.bytesFor(512), type.blockBytes(), decoded, 512, cols - 512);
            assertThat(decoded).containsExactly(reference);
        }
        float[] gemv = new float[rows];
        float[] gemm = new float[2 * rows];
        float[] twoTokens = new float[2 * cols];
        System.arraycopy(x, 0, twoTokens, 0, cols);
        try (ComputePool pool = new ComputePool(2)) {
            lin.forward(x, gemv, 1, pool);
            lin.forward(twoTokens, gemm, 2, pool);
        }
        assertThat(gemv).containsExactly(Arrays.copyOf(gemm, rows));
    }

    /** A random finite half: any sign and exponent (subnormals and zero included), never Inf or NaN. */
    private static short finiteHalf(Random r) {
        int bits = r.nextInt(1 << 16);
        if (((bits >>> 10) & 0x1F) == 0x1F) {
            bits &= ~(1 << 14); // exponent 31 (Inf/NaN) becomes 15
        }
        return (short) bits;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0", "Q4_1"})
    void quantizeWritesLlamaCppBlocksRowByRow(DType type) {
        int rows = 5;
        int cols = 160;
        WeightTensor w = gaussian("w", rows, cols, 11);
        GgmlBlockLinear lin = GgmlBlockLinear.quantize(w, type);
        MemorySegment expected = Arena.ofAuto().allocate(rows * type.bytesFor(cols));
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            w.readRow(r, row, 0);
            long at = r * type.bytesFor(cols);
            switch (type) {
                case Q8_0 -> GgmlQuantizers.quantizeQ8_0(row, 0, cols, expected, at);
                case Q4_0 -> GgmlQuantizers.quantizeQ4_0(row, 0, cols, expected, at);
                default -> GgmlQuantizers.quantizeQ4_1(row, 0, cols, expected, at);
            }
        }
        MemorySegment blocks = lin.buffers().get(GgmlBlockLinear.BLOCKS);
        assertThat(blocks.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected.toArray(ValueLayout.JAVA_BYTE));
        assertThat(lin.toTensor("w").data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected.toArray(ValueLayout.JAVA_BYTE));
    }

    /** Known input, bytes from llama.cpp's reference rounding (python gguf): Q4_0 of one varied block. */
    @Test
    void quantizesF32ToQ4_0BytesOfLlamaCpp() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = (float) (((j * 37) % 101) - 50) / 7.3f;
        }
        MemorySegment seg = MemorySegment.ofArray(x);
        GgmlBlockLinear lin = GgmlBlockLinear.quantize(new WeightTensor("x", DType.F32, 1, 32, seg), DType.Q4_0);
        assertThat(java.util.HexFormat.of().formatHex(lin.buffers().get(GgmlBlockLinear.BLOCKS).toArray(ValueLayout.JAVA_BYTE)))
                .isEqualTo("d93ae046acf258bd1379df358be046acf268");
    }

    /** Per block, the error stays within the format's step (plus the fp16 rounding of its scale and min). */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0", "Q4_1"})
    void roundTripErrorIsBoundedByTheBlockStep(DType type) {
        int rows = 8;
        int cols = 256;
        WeightTensor w = gaussian("w", rows, cols, 5);
        float[] original = w.toFloatArray();
        float[] restored = dequantized(GgmlBlockLinear.quantize(w, type));
        for (int b = 0; b < original.length; b += 32) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            float amax = 0;
            for (int j = b; j < b + 32; j++) {
                min = Math.min(min, original[j]);
                max = Math.max(max, original[j]);
                amax = Math.max(amax, Math.abs(original[j]));
            }
            double half = Math.ulp(1.0f) * 0x1p13; // 2^-10: fp16 relative precision, with margin
            double bound = switch (type) {
                case Q8_0 -> amax / 127.0 * (0.5 + 127 * half);
                case Q4_0 -> amax / 8.0 * (1.0 + 8 * half); // the far side of the range clamps at +7 d
                default -> (max - min) / 15.0 * (0.5 + 15 * half) + Math.abs(min) * half;
            };
            for (int j = b; j < b + 32; j++) {
                assertThat((double) Math.abs(restored[j] - original[j])).as("%s element %d", type, j).isLessThanOrEqualTo(bound);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0", "Q4_1"})
    void sizesFollowTheBlockFormula(DType type) {
        GgmlBlockLinear lin = GgmlBlockLinear.quantize(gaussian("w", 3, 96, 1), type);
        double expectedBits = switch (type) {
            case Q8_0 -> 8.5;
            case Q4_0 -> 4.5;
            default -> 5.0;
        };
        assertThat(lin.bitsPerWeight()).isEqualTo(expectedBits);
        assertThat(lin.residentBytes()).isEqualTo(3L * 96 / 32 * type.blockBytes());
        assertThat(lin.residentBytes() * 8.0 / (3 * 96)).isEqualTo(expectedBits);
        assertThat(lin.format()).isEqualTo(type.name());
        assertThat(lin.inFeatures()).isEqualTo(96);
        assertThat(lin.outFeatures()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0", "Q4_1"})
    void restoreFromBuffersGivesIdenticalOutputs(DType type) {
        int rows = 19;
        int cols = 608;
        GgmlBlockLinear lin = GgmlBlockLinear.quantize(gaussian("w", rows, cols, 9), type);
        GgmlBlockLinear back = GgmlBlockLinear.restore(rows, cols, type, lin.buffers());
        float[] x = activations(3, cols, 4);
        try (ComputePool pool = new ComputePool(2)) {
            for (int tokens : new int[] {1, 3}) {
                float[] a = new float[tokens * rows];
                float[] b = new float[tokens * rows];
                lin.forward(x, a, tokens, pool);
                back.forward(x, b, tokens, pool);
                assertThat(b).containsExactly(a);
            }
        }
    }

    @Test
    void restoreRefusesBuffersThatDoNotFit() {
        GgmlBlockLinear lin = GgmlBlockLinear.quantize(gaussian("w", 4, 64, 2), DType.Q4_0);
        MemorySegment blocks = lin.buffers().get(GgmlBlockLinear.BLOCKS);
        assertThatThrownBy(() -> GgmlBlockLinear.restore(5, 64, DType.Q4_0, lin.buffers()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
        assertThatThrownBy(() -> GgmlBlockLinear.restore(4, 64, DType.Q4_1, lin.buffers()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
        assertThatThrownBy(() -> GgmlBlockLinear.restore(4, 48, DType.Q4_0, lin.buffers()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> GgmlBlockLinear.restore(4, 64, DType.Q4_0, Map.of("qweight", blocks)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks");
        assertThatThrownBy(() -> GgmlBlockLinear.restore(4, 64, DType.Q4_0, Map.of("blocks", blocks, "scales", blocks)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly");
        assertThatThrownBy(() -> GgmlBlockLinear.restore(4, 64, DType.Q4_K, lin.buffers()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q4_K");
    }

    @Test
    void quantizeRefusesNonFiniteWeightsNamingTheTensor() {
        WeightTensor w = gaussian("blk.3.ffn_up.weight", 2, 64, 3);
        w.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 70, Float.NaN);
        assertThatThrownBy(() -> GgmlBlockLinear.quantize(w, DType.Q8_0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blk.3.ffn_up.weight").hasMessageContaining("[1, 6]");
        w.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 70, Float.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> GgmlBlockLinear.quantize(w, DType.Q4_1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blk.3.ffn_up.weight");
    }

    @Test
    void refusesOtherTypesAndRowsThatAreNotWholeBlocks() {
        assertThatThrownBy(() -> GgmlBlockLinear.quantize(gaussian("odd", 2, 40, 3), DType.Q4_0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd").hasMessageContaining("40");
        assertThatThrownBy(() -> GgmlBlockLinear.quantize(gaussian("w", 2, 64, 3), DType.BF16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BF16");
        assertThatThrownBy(() -> GgmlBlockLinear.wrap(gaussian("dense", 2, 64, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dense").hasMessageContaining("F32");
    }

    @Test
    void factoryWrapsBlockTypesAndLeavesOthersDense() {
        GgmlLinearFactory factory = new GgmlLinearFactory();
        WeightTensor q4 = GgmlBlockLinear.quantize(gaussian("w", 2, 64, 1), DType.Q4_0).toTensor("w");
        assertThat(factory.create("blk.0.attn_q.weight", q4)).isInstanceOf(GgmlBlockLinear.class);
        assertThat(factory.create("blk.0.attn_q.weight", gaussian("w", 2, 64, 1))).isInstanceOf(org.quantbench.engine.DenseLinear.class);
    }

    /** Requantizing a block tensor widens it first, exactly as quantizing its dequantized floats. */
    @Test
    void quantizeAcceptsAnyStoredType() {
        GgmlBlockLinear q8 = GgmlBlockLinear.quantize(gaussian("w", 4, 128, 8), DType.Q8_0);
        GgmlBlockLinear fromQ8 = GgmlBlockLinear.quantize(q8.toTensor("w"), DType.Q4_1);
        float[] widened = dequantized(q8);
        WeightTensor asF32 = new WeightTensor("w", DType.F32, 4, 128, MemorySegment.ofArray(widened));
        GgmlBlockLinear fromF32 = GgmlBlockLinear.quantize(asF32, DType.Q4_1);
        assertThat(fromQ8.buffers().get(GgmlBlockLinear.BLOCKS).toArray(ValueLayout.JAVA_BYTE))
                .isEqualTo(fromF32.buffers().get(GgmlBlockLinear.BLOCKS).toArray(ValueLayout.JAVA_BYTE));
    }
}
