package org.quantbench.model.gguf;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.TensorNames;
import org.quantbench.model.tokenizer.VocabularyData;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;
import org.quantbench.testing.SharedData;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real SmolLM2-135M-Instruct Q4_1 GGUF. Expected values were computed offline with the python {@code gguf}
 * package (GGUFReader + gguf.quants.dequantize, numpy float32; sums in float64).
 */
class GgufCheckpointTest {
    private static final String MODEL = "models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf";
    private static GgufCheckpoint checkpoint;

    @BeforeAll
    static void open() {
        Path path = SharedData.root().resolve(MODEL);
        if (Files.exists(path)) {
            checkpoint = GgufCheckpoint.open(path);
        }
    }

    @BeforeEach
    void requireModel() {
        SharedData.require(MODEL); // each test reports the skip when shared data is absent
    }

    @AfterAll
    static void close() {
        if (checkpoint != null) {
            checkpoint.close();
        }
    }

    @Test
    void configComesFromLlamaMetadata() {
        ModelConfig c = checkpoint.config();
        assertThat(c.architecture()).isEqualTo("LlamaForCausalLM");
        assertThat(c.dim()).isEqualTo(576);
        assertThat(c.hiddenDim()).isEqualTo(1536);
        assertThat(c.nLayers()).isEqualTo(30);
        assertThat(c.nHeads()).isEqualTo(9);
        assertThat(c.nKvHeads()).isEqualTo(3);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.vocabSize()).isEqualTo(49152);
        assertThat(c.maxSeqLen()).isEqualTo(8192);
        assertThat(c.normEps()).isEqualTo(1e-5f);
        assertThat(c.ropeTheta()).isEqualTo(100000f);
        assertThat(c.ropeScaling().isNone()).isTrue();
        assertThat(c.ropeLayout()).isEqualTo(RopeLayout.INTERLEAVED);
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.qkvBias()).isFalse();
        assertThat(checkpoint.format()).isEqualTo("gguf");
        assertThat(checkpoint.fileBytes()).isEqualTo(98_362_432L);
    }

    @Test
    void headerMatchesGgufReader() {
        GgufFile f = checkpoint.file();
        assertThat(f.version()).isEqualTo(3);
        assertThat(f.metadata()).hasSize(33);
        assertThat(f.alignment()).isEqualTo(32);
        assertThat(f.dataOffset()).isEqualTo(1_785_664L);
        assertThat(f.tensorInfos()).hasSize(272);
        assertThat(f.getString("general.name")).isEqualTo("Smollm2 135M 8k Lc100K Mix1 Ep2");
        assertThat(f.getStringArray("general.languages")).containsExactly("en");
        assertThat(f.getInt("general.file_type")).isEqualTo(3);
        GgufTensorInfo embd = f.tensorInfo(TensorNames.TOKEN_EMBD);
        assertThat(embd.shape()).containsExactly(576L, 49152L);
        assertThat(embd.offset()).isZero();
        assertThat(f.tensorInfo("blk.0.ffn_down.weight").offset()).isEqualTo(31_868_992L - 1_785_664L);
    }

    @Test
    void tensorTypesAndShapes() {
        assertThat(checkpoint.tensors()).hasSize(272);
        assertThat(checkpoint.hasTensor(TensorNames.OUTPUT)).isFalse();
        assertShape(TensorNames.TOKEN_EMBD, DType.Q8_0, 49152, 576);
        assertShape(TensorNames.OUTPUT_NORM, DType.F32, 1, 576);
        for (int l : new int[] {0, 29}) {
            assertShape(TensorNames.attnNorm(l), DType.F32, 1, 576);
            assertShape(TensorNames.attnQ(l), DType.Q4_1, 576, 576);
            assertShape(TensorNames.attnK(l), DType.Q4_1, 192, 576);
            assertShape(TensorNames.attnV(l), DType.Q4_1, 192, 576);
            assertShape(TensorNames.attnOutput(l), DType.Q4_1, 576, 576);
            assertShape(TensorNames.ffnNorm(l), DType.F32, 1, 576);
            assertShape(TensorNames.ffnGate(l), DType.Q4_1, 1536, 576);
            assertShape(TensorNames.ffnUp(l), DType.Q4_1, 1536, 576);
            assertShape(TensorNames.ffnDown(l), DType.Q4_1, 576, 1536);
        }
    }

    @Test
    void q8EmbeddingRowsMatchPythonDequantize() {
        WeightTensor t = checkpoint.tensor(TensorNames.TOKEN_EMBD);
        assertRow(t, 0, -2.2541093826293945, -0.10654449462890625f, 0.032978057861328125f, 0.048198699951171875f,
                -0.022830963134765625f, -0.06849288940429688f, -0.04566192626953125f, 0.020294189453125f,
                -0.12176513671875f);
        assertRow(t, 1000, 1.9784250259399414, -0.1119384765625f, -0.0739593505859375f, 0.0379791259765625f,
                -0.0179901123046875f, -0.1619110107421875f, -0.0099945068359375f, 0.0299835205078125f,
                0.2398681640625f);
        assertRow(t, 49151, -0.4662208557128906, 0.011505126953125f, 0.0057525634765625f, 0.0977935791015625f,
                -0.0977935791015625f, 0.0862884521484375f, -0.0460205078125f, 0.172576904296875f,
                0.0517730712890625f);
        assertThat(totalSum(t)).isCloseTo(-15353.04449415207, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void q4_1LayerRowsMatchPythonDequantize() {
        WeightTensor q = checkpoint.tensor(TensorNames.attnQ(0));
        assertRow(q, 0, 1.00726318359375, -0.0963134765625f, 0.1573486328125f, -0.0963134765625f, -0.73046875f,
                1.1719970703125f, -0.0963134765625f, 0.030517578125f, 0.6646728515625f);
        assertRow(q, 100, -2.812408447265625, -0.2261962890625f, -0.098876953125f, 0.09210205078125f,
                0.5377197265625f, 0.60137939453125f, -0.28985595703125f, 0.09210205078125f, -0.098876953125f);
        assertThat(totalSum(q)).isCloseTo(59.22322082519531, org.assertj.core.data.Offset.offset(1e-9));
        WeightTensor k = checkpoint.tensor(TensorNames.attnK(0));
        assertRow(k, 191, 6.2149658203125, 0.015869140625f, -0.4342041015625f, 0.015869140625f, -0.7342529296875f,
                0.4659423828125f, 0.4659423828125f, 0.015869140625f, 0.1658935546875f);
        WeightTensor down = checkpoint.tensor(TensorNames.ffnDown(29));
        assertRow(down, 575, -5.229949951171875, -0.22918701171875f, -0.03912353515625f, -0.276702880859375f,
                0.2459716796875f, 0.008392333984375f, -0.03912353515625f, 0.055908203125f, 0.15093994140625f);
        assertThat(totalSum(down)).isCloseTo(49.83570861816406, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void f32NormMatchesPython() {
        WeightTensor norm = checkpoint.tensor(TensorNames.OUTPUT_NORM);
        assertRow(norm, 0, 1038.33203125, 1.7578125f, 1.8203125f, 1.78125f, 1.6015625f, 1.7421875f, 1.71875f,
                1.828125f, 1.75f);
    }

    @Test
    void vocabularyFromTokenizerMetadata() {
        VocabularyData v = checkpoint.file().vocabulary();
        assertThat(v.model()).isEqualTo("gpt2");
        assertThat(v.pre()).isEqualTo("smollm");
        assertThat(v.tokens()).hasSize(49152);
        assertThat(v.tokens().get(0)).isEqualTo("<|endoftext|>");
        assertThat(v.tokens().get(1)).isEqualTo("<|im_start|>");
        assertThat(v.tokens().get(1000)).isEqualTo("()");
        assertThat(v.tokens().get(49151)).isEqualTo("ectable");
        assertThat(v.scores()).isEmpty();
        assertThat(v.tokenTypes()).hasSize(49152);
        assertThat(v.tokenTypes()[0]).isEqualTo(3);
        assertThat(v.tokenTypes()[1000]).isEqualTo(1);
        assertThat(java.util.Arrays.stream(v.tokenTypes()).filter(t -> t == 3).count()).isEqualTo(17);
        assertThat(v.merges()).hasSize(48900);
        assertThat(v.merges().getFirst()).isEqualTo("Ġ t");
        assertThat(v.merges().getLast()).isEqualTo("ect able");
        assertThat(v.bosId()).isEqualTo(1);
        assertThat(v.eosId()).isEqualTo(2);
        assertThat(v.unkId()).isEqualTo(0);
        assertThat(v.padId()).isEqualTo(2);
        assertThat(v.addBos()).isFalse();
        assertThat(v.addEos()).isFalse();
        assertThat(v.addSpacePrefix()).isFalse();
    }

    private static void assertShape(String name, DType type, int rows, int cols) {
        WeightTensor t = checkpoint.tensor(name);
        assertThat(t.dtype()).as(name).isEqualTo(type);
        assertThat(t.rows()).as(name).isEqualTo(rows);
        assertThat(t.cols()).as(name).isEqualTo(cols);
    }

    private static void assertRow(WeightTensor t, int row, double sum, float... first8) {
        float[] values = new float[t.cols()];
        t.readRow(row, values, 0);
        assertThat(java.util.Arrays.copyOf(values, 8)).as(t.name() + " row " + row).containsExactly(first8);
        double s = 0;
        for (float v : values) {
            s += v;
        }
        assertThat(s).as(t.name() + " row " + row + " sum").isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-9));
    }

    private static double totalSum(WeightTensor t) {
        float[] row = new float[t.cols()];
        double s = 0;
        for (int r = 0; r < t.rows(); r++) {
            t.readRow(r, row, 0);
            for (float v : row) {
                s += v;
            }
        }
        return s;
    }
}
