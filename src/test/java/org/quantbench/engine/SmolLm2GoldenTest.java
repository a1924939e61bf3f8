package org.quantbench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.PerplexityEvaluator;
import org.quantbench.model.gguf.GgufCheckpoint;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * SmolLM2-135M-Instruct (GGUF, Q8_0 embedding, Q4_1 layers) on the exact path (weights widened to float, float
 * activations) against golden.json's numpy reference.
 */
class SmolLm2GoldenTest {
    private static final String DIR = "models/smollm2-135m-instruct-q4_1/";
    private static GgufCheckpoint ckpt;
    private static LlamaModel model;
    private static JsonNode golden;
    private static ComputePool pool;

    @BeforeAll
    static void load() throws Exception {
        ckpt = GgufCheckpoint.open(SharedData.require(DIR + "SmolLM2-135M-Instruct.Q4_1.gguf"));
        model = LlamaModel.load(ckpt);
        golden = new ObjectMapper().readTree(SharedData.require(DIR + "golden.json").toFile());
        pool = new ComputePool(2);
    }

    @AfterAll
    static void close() {
        if (ckpt != null) {
            ckpt.close();
            pool.close();
        }
    }

    private static int[] ids(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Test
    void top5LogitsAfterBothPromptsMatchTheExactReference() {
        golden.get("logits").properties().forEach(e -> {
            int[] prompt = ids(e.getValue().get("prompt_ids"));
            assertThat(ckpt.tokenizer().orElseThrow().encode(e.getKey(), false)).containsExactly(prompt);
            float[] logits = new InferenceSession(model, 64, 16, pool).forwardLast(prompt, 0, prompt.length);
            for (JsonNode pair : e.getValue().get("top5_at_last_prompt_position")) {
                assertThat((double) logits[pair.get(0).asInt()]).as(e.getKey()).isCloseTo(pair.get(1).asDouble(), within(2e-3));
            }
        });
    }

    @Test
    void firstFiveGreedyTokensMatch() {
        golden.get("greedy").properties().forEach(e -> {
            int[] prompt = ids(e.getValue().get("prompt_ids"));
            int[] expected = Arrays.copyOf(ids(e.getValue().get("exact_float")), 5);
            int[] got = Generator.generate(new InferenceSession(model, 64, 16, pool), prompt, 5, Sampler.greedy(),
                    id -> false, id -> { });
            assertThat(got).as(e.getKey()).containsExactly(expected);
        });
    }

    @Test
    void wikitextWindowsMeanNllMatchesTheExactReference() throws Exception {
        JsonNode exact = golden.get("perplexity_windows").get("mean_nll_exact_float");
        InferenceSession session = new InferenceSession(model, 512, 64, pool);
        PerplexityEvaluator eval = new PerplexityEvaluator(session, new PerplexityDefinition(512, 512, false, 0), OptionalInt.empty());
        for (int w = 0; w < 2; w++) {
            String text = Files.readString(SharedData.require(DIR + "wikitext2_window" + w + "_ids.txt")).strip();
            int[] window = Arrays.stream(text.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
            assertThat(window).hasSize(512);
            double nll = eval.evaluate(List.of(window)).meanNll();
            assertThat(nll).as("window %d", w).isCloseTo(exact.get("window" + w).asDouble(), within(1e-3));
        }
    }
}
