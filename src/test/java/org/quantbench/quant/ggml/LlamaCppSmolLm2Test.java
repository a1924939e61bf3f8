package org.quantbench.quant.ggml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.Numerics;
import org.quantbench.engine.LlamaModel;
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
 * SmolLM2-135M-Instruct (Q8_0 embedding and classifier, Q4_1 layers) with llama.cpp's CPU arithmetic against
 * golden.json's llama.cpp numbers (node-llama-cpp 3.22.1, F16 KV cache, int8 activations).
 */
class LlamaCppSmolLm2Test {
    private static final String DIR = "models/smollm2-135m-instruct-q4_1/";
    private static GgufCheckpoint ckpt;
    private static LlamaModel model;
    private static JsonNode golden;
    private static ComputePool pool;

    @BeforeAll
    static void load() throws Exception {
        ckpt = GgufCheckpoint.open(SharedData.require(DIR + "SmolLM2-135M-Instruct.Q4_1.gguf"));
        model = LlamaModel.load(ckpt, new LlamaCppLinearFactory(new GgmlLinearFactory()), Numerics.LLAMA_CPP);
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

    private static int[] window(int w) throws Exception {
        String text = Files.readString(SharedData.require(DIR + "wikitext2_window" + w + "_ids.txt")).strip();
        return Arrays.stream(text.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
    }

    /**
     * Each window's mean NLL within 0.3% of llama.cpp's (the bound), and apart from the exact path's. The
     * bound is wide for a reason: int8 activations turn last-bit differences (e.g. the float summation order of the
     * 256- or 512-bit kernels) into code steps, which moves these 511-token means by up to 0.2% either way; the exact
     * path sits 0.16% and 0.19% below llama.cpp (docs/crosscheck-llamacpp.md).
     */
    @Test
    void wikitextWindowsMeanNllMatchesLlamaCpp() throws Exception {
        JsonNode llama = golden.get("perplexity_windows").get("mean_nll_llama_cpp");
        JsonNode exact = golden.get("perplexity_windows").get("mean_nll_exact_float");
        InferenceSession session = new InferenceSession(model, 512, 64, pool);
        PerplexityEvaluator eval = new PerplexityEvaluator(session, new PerplexityDefinition(512, 512, false, 0), OptionalInt.empty());
        for (int w = 0; w < 2; w++) {
            double expected = llama.get("window" + w).asDouble();
            double nll = eval.evaluate(List.of(window(w))).meanNll();
            System.out.printf("window %d: llamacpp path %.6f, llama.cpp %.6f, rel %.4f%%%n", w, nll, expected, 100 * (nll / expected - 1));
            assertThat(nll).as("window %d", w).isCloseTo(expected, within(0.003 * expected));
            assertThat(Math.abs(nll - exact.get("window" + w).asDouble())).as("window %d: not the exact path", w).isGreaterThan(1e-3);
        }
    }
}
