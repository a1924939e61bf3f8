package org.quantbench.quant.intq;

import org.junit.jupiter.api.Test;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.WeightTensor;
import org.quantbench.testing.SharedData;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Real weights with the awkward widths 64 and 172 (groups larger than a row, ragged last groups). */
class Stories260KIntFormatsTest {

    @Test
    void everyMatrixQuantizesAndRunsInEveryFormat() {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(model, null)) {
            int matrices = 0;
            for (WeightTensor w : ckpt.tensors()) {
                if (w.rows() == 1) {
                    continue;
                }
                matrices++;
                QuantizedLinear[] grouped = {
                        IntGroupedLinear.quantize(w, IntQuantizer.asymmetric(4), 128),
                        IntGroupedLinear.quantize(w, IntQuantizer.symmetric(3, SymmetricConvention.LLM_COMPRESSOR), 32),
                        IntGroupedLinear.quantize(w, IntQuantizer.symmetric(8, SymmetricConvention.AUTO_ROUND), IntGroupedLinear.PER_CHANNEL)};
                for (QuantizedLinear q : grouped) {
                    IntTestData.checkKernels(q, w.rows());
                    assertThat(relativeError(w, q)).as("%s %s", w.name(), q.format())
                            .isLessThan(q.bitsPerWeight() < 5 ? 0.25 : 0.01);
                }
                W8A8IntLinear w8a8 = W8A8IntLinear.quantize(w, null);
                W8A8IntLinearTest.checkAgainstReference(w8a8, null, w.cols());
                assertThat(relativeError(w, w8a8)).as("%s W8A8", w.name()).isLessThan(0.01);
            }
            assertThat(matrices).isGreaterThanOrEqualTo(5 * 7);
        }
    }

    /** ||W - W'|| / ||W|| over the whole matrix. */
    private static double relativeError(WeightTensor w, QuantizedLinear q) {
        float[] a = new float[w.cols()];
        float[] b = new float[w.cols()];
        double err = 0;
        double norm = 0;
        for (int r = 0; r < w.rows(); r++) {
            w.readRow(r, a, 0);
            q.dequantizeRow(r, b, 0);
            for (int c = 0; c < w.cols(); c++) {
                err += (double) (a[c] - b[c]) * (a[c] - b[c]);
                norm += (double) a[c] * a[c];
            }
        }
        return Math.sqrt(err / norm);
    }
}
