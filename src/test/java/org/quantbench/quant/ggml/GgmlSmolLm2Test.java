package org.quantbench.quant.ggml;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantbench.engine.DenseLinear;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.model.gguf.GgufCheckpoint;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;
import org.quantbench.testing.SharedData;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** SmolLM2-135M-Instruct's real blocks (Q4_1 layers, Q8_0 embedding) used in place from the mapped GGUF file. */
class GgmlSmolLm2Test {
    private static GgufCheckpoint ckpt;
    private static ComputePool pool;

    @BeforeAll
    static void open() {
        ckpt = GgufCheckpoint.open(SharedData.require("models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf"));
        pool = new ComputePool(2);
    }

    @AfterAll
    static void close() {
        if (ckpt != null) {
            ckpt.close();
            pool.close();
        }
    }

    /**
     * The layer's blocks give back the mapped tensor's bytes exactly; GEMV and GEMM equal the widening DenseLinear bit
     * for bit, and dequantize-then-matmul closely.
     */
    @Test
    void wrappedTensorsMatchDequantizeThenMatmul() {
        for (String name : new String[] {"blk.0.ffn_down.weight", "blk.7.ffn_gate.weight", "blk.29.attn_k.weight", "token_embd.weight"}) {
            WeightTensor t = ckpt.tensor(name);
            assertThat(t.dtype()).isIn(DType.Q4_1, DType.Q8_0);
            GgmlBlockLinear lin = GgmlBlockLinear.wrap(t);
            assertThat(lin.buffers().get(GgmlBlockLinear.BLOCKS).mismatch(t.data())).as("same blocks").isEqualTo(-1L);
            assertThat(lin.residentBytes()).isEqualTo(t.data().byteSize());
            assertThat(lin.format()).isEqualTo(t.dtype().name());

            int rows = t.rows();
            int cols = t.cols();
            int tokens = 3;
            float[] x = GgmlBlockLinearTest.activations(tokens, cols, 17);
            float[] gemm = new float[tokens * rows];
            float[] dense = new float[tokens * rows];
            lin.forward(x, gemm, tokens, pool);
            new DenseLinear(t).forward(x, dense, tokens, pool);
            assertThat(gemm).as(name).containsExactly(dense);

            float[] w = new float[cols];
            for (int tok = 0; tok < tokens; tok++) {
                float[] token = Arrays.copyOfRange(x, tok * cols, (tok + 1) * cols);
                float[] gemv = new float[rows];
                lin.forward(token, gemv, 1, pool);
                assertThat(gemv).as("%s GEMV == GEMM, token %d", name, tok).containsExactly(Arrays.copyOfRange(gemm, tok * rows, (tok + 1) * rows));
                for (int o = 0; o < rows; o += 97) {
                    lin.dequantizeRow(o, w, 0);
                    double ref = 0;
                    double mag = 0;
                    for (int i = 0; i < cols; i++) {
                        ref += (double) w[i] * token[i];
                        mag += Math.abs((double) w[i] * token[i]);
                    }
                    assertThat(Math.abs(gemv[o] - ref)).as("%s row %d", name, o).isLessThanOrEqualTo(1e-5 * mag);
                }
            }
        }
    }

    /** The whole model on the fused kernels gives the same logits, bit for bit, as on widened tiles (prefill and decode). */
    @Test
    void modelOnBlockKernelsGivesTheStoredPathsLogits() {
        LlamaModel stored = LlamaModel.load(ckpt);
        LlamaModel blocks = LlamaModel.load(ckpt, new GgmlLinearFactory());
        assertThat(blocks.layer(0).down()).isInstanceOf(GgmlBlockLinear.class);
        assertThat(blocks.output()).isInstanceOf(GgmlBlockLinear.class);
        int[] prompt = {1, 9690, 198, 504, 3458, 282, 4649, 314};
        InferenceSession a = new InferenceSession(stored, 32, 8, pool);
        InferenceSession b = new InferenceSession(blocks, 32, 8, pool);
        assertThat(b.forwardLast(prompt, 0, prompt.length)).containsExactly(a.forwardLast(prompt, 0, prompt.length));
        for (int next : new int[] {28, 1345}) {
            assertThat(b.forwardLast(new int[] {next}, 0, 1)).containsExactly(a.forwardLast(new int[] {next}, 0, 1));
        }
    }
}
