package org.quantbench.quant.aqlm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantbench.quant.AqlmScheme;
import org.quantbench.quant.LinearContractAssertions;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AqlmLinearTest {
    static final AqlmScheme X2X8 = new AqlmScheme(2, 8);
    static final AqlmScheme X1X16 = new AqlmScheme(1, 16);

    /** Random codes, Gaussian codebooks and scales of varied size. */
    static AqlmLinear random(AqlmScheme scheme, int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        int m = scheme.codebooks();
        int k = 1 << scheme.codebookBits();
        int[] codes = new int[rows * (cols / 8) * m];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = rnd.nextInt(k);
        }
        float[] cb = new float[m * k * 8];
        for (int i = 0; i < cb.length; i++) {
            cb[i] = (float) rnd.nextGaussian();
        }
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            scales[r] = 0.01f + 0.1f * rnd.nextFloat();
        }
        return AqlmLinear.of(scheme, rows, cols, codes, cb, scales);
    }

    @ParameterizedTest(name = "{0}x{1} rows {2} cols {3}")
    @CsvSource({"2,8,1,8", "2,8,13,24", "2,8,13,4104", "2,8,400,24", "2,8,400,4104", "2,8,40,520",
            "1,16,1,8", "1,16,13,24", "1,16,13,4104"})
    void kernelsMatchTheReferenceAndEachOther(int m, int b, int rows, int cols) {
        AqlmLinear lin = random(new AqlmScheme(m, b), rows, cols, 31L * rows + cols);
        float[] x = LinearContractAssertions.activations(LinearContractAssertions.GEMM_TOKENS, cols, rows + 7L * cols);
        LinearContractAssertions.assertKernelContract(lin, x, LinearContractAssertions.widen(x));
    }

    /** Steps of many tokens: lanes in several blocks (four at a time, then the rest), each token equal to its GEMV. */
    @ParameterizedTest(name = "{0}x{1} rows {2} cols {3} tokens {4}")
    @CsvSource({"1,16,13,24,77", "1,16,7,520,40", "1,16,3,8,64", "2,8,13,24,77", "2,8,400,24,40"})
    void longStepsMatchTheReferenceAndEachTokenAlone(int m, int b, int rows, int cols, int tokens) {
        AqlmLinear lin = random(new AqlmScheme(m, b), rows, cols, 17L * rows + cols + tokens);
        float[] x = LinearContractAssertions.activations(tokens, cols, rows + 5L * cols);
        LinearContractAssertions.assertKernelContract(lin, x, LinearContractAssertions.widen(x));
    }

    @Test
    void dequantizedRowIsTheScaledSumOfCodewords() {
        Random rnd = new Random(3);
        int rows = 3, cols = 16;
        int[] codes = new int[rows * 2 * 2];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = rnd.nextInt(256);
        }
        float[] cb = new float[2 * 256 * 8];
        for (int i = 0; i < cb.length; i++) {
            cb[i] = Float.float16ToFloat(Float.floatToFloat16((float) rnd.nextGaussian()));
        }
        float[] scales = {0.5f, 0.25f, 2f};
        AqlmLinear lin = AqlmLinear.of(X2X8, rows, cols, codes, cb, scales);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            lin.dequantizeRow(r, row, 0);
            for (int g = 0; g < 2; g++) {
                for (int j = 0; j < 8; j++) {
                    int c0 = codes[(r * 2 + g) * 2];
                    int c1 = codes[(r * 2 + g) * 2 + 1];
                    float expected = scales[r] * (cb[c0 * 8 + j] + cb[(256 + c1) * 8 + j]);
                    assertThat(row[g * 8 + j]).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void bitsPerWeightIsTheFormulaAndTheBuffers() {
        AqlmLinear a = random(X2X8, 576, 1536, 1);
        double formula = (576.0 * 1536 / 8 * 2 * 8 + 2 * 256 * 8 * 16 + 576 * 16) / (576.0 * 1536);
        assertThat(a.bitsPerWeight()).isCloseTo(formula, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(a.residentBytes() * 8.0 / (576.0 * 1536)).isCloseTo(formula, org.assertj.core.data.Offset.offset(1e-12));
        AqlmLinear b = random(X1X16, 13, 24, 2);
        double formula16 = (13.0 * 24 / 8 * 16 + 65536.0 * 8 * 16 + 13 * 16) / (13.0 * 24);
        assertThat(b.bitsPerWeight()).isCloseTo(formula16, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.residentBytes() * 8.0 / (13.0 * 24)).isCloseTo(formula16, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void restoreFromBuffersGivesIdenticalOutputs() {
        for (AqlmScheme s : new AqlmScheme[] {X2X8, X1X16}) {
            AqlmLinear a = random(s, 40, 520, 5);
            AqlmLinear b = AqlmLinear.restore(40, 520, s, a.buffers());
            LinearContractAssertions.assertSameOutputs(a, b, LinearContractAssertions.activations(13, 520, 6));
            float[] ra = new float[520];
            float[] rb = new float[520];
            for (int r = 0; r < 40; r++) {
                a.dequantizeRow(r, ra, 0);
                b.dequantizeRow(r, rb, 0);
                assertThat(rb).isEqualTo(ra);
            }
        }
    }

    @Test
    void restoreRejectsWrongOrCorruptBuffers() {
        AqlmLinear a = random(X2X8, 4, 16, 7);
        Map<String, MemorySegment> missing = new HashMap<>(a.buffers());
        missing.remove(AqlmLinear.SCALES);
        assertThatThrownBy(() -> AqlmLinear.restore(4, 16, X2X8, missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("buffers must be exactly");
        assertThatThrownBy(() -> AqlmLinear.restore(5, 16, X2X8, a.buffers())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codes must be");
        assertThatThrownBy(() -> AqlmLinear.restore(4, 16, X1X16, a.buffers())).isInstanceOf(IllegalArgumentException.class);
        Map<String, MemorySegment> nan = new HashMap<>(a.buffers());
        MemorySegment cb = MemorySegment.ofArray(new byte[(int) a.buffers().get(AqlmLinear.CODEBOOKS).byteSize()]);
        cb.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 10, Float.floatToFloat16(Float.NaN));
        nan.put(AqlmLinear.CODEBOOKS, cb);
        assertThatThrownBy(() -> AqlmLinear.restore(4, 16, X2X8, nan)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codebook value 5 is NaN");
    }

    @Test
    void columnsMustComeInGroupsOfEight() {
        assertThatThrownBy(() -> AqlmLinear.of(X2X8, 2, 12, new int[6], new float[4096], new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a multiple of 8");
        assertThatThrownBy(() -> AqlmLinear.of(X2X8, 1, 8, new int[] {0, 256}, new float[4096], new float[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside [0, 256)");
    }
}
