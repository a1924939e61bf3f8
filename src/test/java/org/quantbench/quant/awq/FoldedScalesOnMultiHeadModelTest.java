package org.quantbench.quant.awq;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.engine.DenseLinear;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.Linear;
import org.quantbench.engine.LinearFactory;
import org.quantbench.engine.LlamaModel;
import org.quantbench.export.synth.SyntheticModelWriter;
import org.quantbench.export.synth.SyntheticShape;
import org.quantbench.model.hf.HfFolderCheckpoint;
import org.quantbench.quant.calib.CalibrationData;
import org.quantbench.quant.calib.CalibrationPipeline;
import org.quantbench.quant.calib.RandomTokens;
import org.quantbench.quant.calib.LayerQuantizer;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.quant.intq.W8A8IntLinear;
import org.quantbench.quant.smoothquant.SmoothQuantLayerQuantizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The folds of AWQ and SmoothQuant on a model with as many kv heads as heads, where the v -> o pair is scaled too
 * (stories260K has grouped-query attention and never takes that path): quantized at 8 bits, where rounding costs
 * little, the folded model's logits must stay as close to the float model's as plain round-to-nearest's do; a scale
 * folded on the wrong side or axis would show as an error many times larger.
 */
class FoldedScalesOnMultiHeadModelTest {
    private static final SyntheticShape SHAPE = SyntheticShape.parse("64,160,2,4,4,300"); // MHA, ragged hidden groups
    private static HfFolderCheckpoint ckpt;
    private static ComputePool pool;
    private static CalibrationData calibration;
    private static float[] base;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void open() throws IOException {
        SyntheticModelWriter.of(SHAPE, 3).withTiedEmbeddings(false).write(tmp.resolve("model"));
        ckpt = HfFolderCheckpoint.open(tmp.resolve("model"));
        pool = new ComputePool(2);
        calibration = RandomTokens.calibration(tmp, SHAPE.vocab(), 8, 64, 1);
        base = logits(LinearFactory.STORED);
    }

    @AfterAll
    static void close() {
        if (ckpt != null) {
            ckpt.close();
            pool.close();
        }
    }

    private static float[] logits(LinearFactory factory) {
        int[] text = RandomTokens.of(SHAPE.vocab(), 1, 48, 9)[0];
        int vocab = SHAPE.vocab();
        float[] all = new float[text.length * vocab];
        new InferenceSession(LlamaModel.load(ckpt, factory), 64, 64, pool).forward(text, 0, text.length,
                (i, l, off) -> System.arraycopy(l, off, all, i * vocab, vocab));
        return all;
    }

    private static double error(LinearFactory factory) {
        float[] q = logits(factory);
        double s = 0;
        for (int i = 0; i < q.length; i++) {
            s += (q[i] - base[i]) * (double) (q[i] - base[i]);
        }
        return s / q.length;
    }

    private static LinearFactory calibrated(LayerQuantizer algorithm) {
        CalibrationPipeline.Result r = CalibrationPipeline.run(ckpt, calibration, algorithm, CalibrationPipeline.Options.defaults(),
                pool, (l, n, loss, s) -> { });
        assertThat(r.norms()).as("both norms of every layer replaced").hasSize(2 * SHAPE.layers());
        return new LinearFactory() {
            @Override
            public Linear create(String name, WeightTensor weight) {
                Linear q = r.linears().get(name);
                return q != null ? q : new DenseLinear(weight);
            }

            @Override
            public float[] norm(String name, WeightTensor stored) {
                return r.norms().containsKey(name) ? r.norms().get(name) : stored.toFloatArray();
            }
        };
    }

    private static LinearFactory perTensor(Function<WeightTensor, Linear> quantize) {
        return (name, weight) -> name.startsWith("blk.") ? quantize.apply(weight) : new DenseLinear(weight);
    }

    @Test
    void awqFoldsKeepTheModelAsCloseAsRoundToNearest() {
        double rtn = error(perTensor(w -> IntGroupedLinear.quantize(w, IntQuantizer.asymmetric(8), 128)));
        double awq = error(calibrated(new AwqLayerQuantizer(new AwqOptions(8, 128, 20, 10, 20))));
        assertThat(awq).as("AWQ %s vs RTN %s", awq, rtn).isLessThan(2 * rtn);
    }

    @Test
    void smoothQuantFoldsKeepTheModelAsCloseAsPlainW8A8() {
        double plain = error(perTensor(w -> W8A8IntLinear.quantize(w, null)));
        double sq = error(calibrated(new SmoothQuantLayerQuantizer(0.5)));
        assertThat(sq).as("SmoothQuant %s vs W8A8 %s", sq, plain).isLessThan(2 * plain);
    }
}
