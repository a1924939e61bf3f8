package org.quantbench.engine;

import org.junit.jupiter.api.Test;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BatchedStreamsTest {

    /** Three streams decoded together give exactly the logits each gives alone. */
    @Test
    void batchedDecodeEqualsOneStreamAtATime() {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool pool = new ComputePool(2)) {
            LlamaModel model = LlamaModel.load(ckpt);
            SplittableRandom r = new SplittableRandom(4);
            int streams = 3;
            int[][] prompts = new int[streams][];
            int[][] next = new int[streams][6];
            for (int s = 0; s < streams; s++) {
                prompts[s] = r.ints(5 + 4 * s, 0, 512).toArray();
                next[s] = r.ints(6, 0, 512).toArray();
            }
            BatchedStreams batch = new BatchedStreams(model, streams, 64, 16, pool);
            float[][][] batched = new float[streams][6][];
            for (int s = 0; s < streams; s++) {
                batch.prefill(s, prompts[s]);
            }
            for (int step = 0; step < 6; step++) {
                int[] tokens = new int[streams];
                for (int s = 0; s < streams; s++) {
                    tokens[s] = next[s][step];
                }
                int st = step;
                batch.step(tokens, (s, l, off) -> batched[s][st] = java.util.Arrays.copyOfRange(l, off, off + 512));
            }
            for (int s = 0; s < streams; s++) {
                InferenceSession alone = new InferenceSession(model, 64, 16, pool);
                alone.forwardLast(prompts[s], 0, prompts[s].length);
                for (int step = 0; step < 6; step++) {
                    assertThat(alone.forwardLast(next[s], step, 1)).as("stream %d step %d", s, step).isEqualTo(batched[s][step]);
                }
                assertThat(batch.position(s)).isEqualTo(prompts[s].length + 6);
            }
        }
    }
}
