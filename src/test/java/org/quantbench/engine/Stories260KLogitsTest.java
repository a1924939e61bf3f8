package org.quantbench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Stories260KLogitsTest {

    @Test
    void logitsAfterBosMatchTheNumpyReference() throws Exception {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        JsonNode golden = new ObjectMapper().readTree(SharedData.require("models/stories260K/golden_numpy_reference.json").toFile());
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(model, null); ComputePool pool = new ComputePool(2)) {
            InferenceSession session = new InferenceSession(LlamaModel.load(ckpt), 512, 64, pool);
            float[] logits = session.forwardLast(new int[] {1}, 0, 1);
            for (JsonNode pair : golden.get("bos_pos0_top5")) {
                assertThat((double) logits[pair.get(0).asInt()]).isCloseTo(pair.get(1).asDouble(), within(1e-4));
            }
            JsonNode first8 = golden.get("bos_pos0_logits_first8");
            for (int i = 0; i < 8; i++) {
                assertThat((double) logits[i]).isCloseTo(first8.get(i).asDouble(), within(1e-4));
            }
        }
    }
}
