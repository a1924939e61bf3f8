package org.quantbench.engine;

import org.junit.jupiter.api.Test;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferenceSessionTest {

    private static List<float[]> logits(LlamaModel model, int[] tokens, int maxBlock, int threads) {
        List<float[]> out = new ArrayList<>();
        try (ComputePool pool = new ComputePool(threads)) {
            InferenceSession s = new InferenceSession(model, 512, maxBlock, pool);
            s.forward(tokens, 0, tokens.length, (i, l, off) -> out.add(java.util.Arrays.copyOfRange(l, off, off + model.config().vocabSize())));
        }
        return out;
    }

    @Test
    void logitsDoNotDependOnBlockSizeOrThreads() {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin"))) {
            LlamaModel model = LlamaModel.load(ckpt);
            int[] tokens = new SplittableRandom(3).ints(70, 0, 512).toArray();
            List<float[]> reference = logits(model, tokens, 64, 2);
            assertThat(reference).hasSize(70);
            for (int block : new int[] {1, 8, 13}) {
                for (int threads : new int[] {1, 2}) {
                    List<float[]> other = logits(model, tokens, block, threads);
                    for (int i = 0; i < tokens.length; i++) {
                        assertThat(other.get(i)).as("block %d, threads %d, token %d", block, threads, i).isEqualTo(reference.get(i));
                    }
                }
            }
        }
    }

    @Test
    void rewindReplaysTheSameLogitsAndRefusesBadInput() {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool pool = new ComputePool(2)) {
            InferenceSession s = new InferenceSession(LlamaModel.load(ckpt), 16, 8, pool);
            int[] tokens = {1, 403, 407, 261, 378};
            float[] first = s.forwardLast(tokens, 0, tokens.length);
            s.rewind(2);
            float[] again = s.forwardLast(tokens, 2, 3);
            assertThat(again).isEqualTo(first);
            assertThatThrownBy(() -> s.forwardLast(new int[] {512}, 0, 1)).hasMessageContaining("outside the vocabulary");
            assertThatThrownBy(() -> s.forwardLast(new int[20], 0, 20)).hasMessageContaining("exceeds the context");
        }
    }
}
