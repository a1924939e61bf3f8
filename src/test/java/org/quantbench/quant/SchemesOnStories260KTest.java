package org.quantbench.quant;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.PerplexityEvaluator;
import org.quantbench.eval.TextDocuments;
import org.quantbench.model.ModelFingerprint;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every runnable calibration-free scheme on stories260K, TinyStories perplexity as the golden reference defines it
 * (base 3.168). The margins are wide enough for arithmetic noise and narrow enough to catch a broken format.
 */
class SchemesOnStories260KTest {
    private static Llama2cCheckpoint ckpt;
    private static ComputePool pool;
    private static List<int[]> docs;
    private static Tokenizer tok;
    private static final Map<String, Double> PPL = new LinkedHashMap<>();

    @BeforeAll
    static void open() {
        ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin"));
        pool = new ComputePool(2);
        tok = ckpt.tokenizer().orElseThrow();
        docs = TextDocuments.read(SharedData.require("data/tinystories/TinyStories-valid.head-transcribed.txt"),
                "<|endoftext|>", true, 0).stream().map(s -> tok.encode(s, false)).toList();
    }

    @AfterAll
    static void close() {
        if (ckpt != null) {
            ckpt.close();
            pool.close();
        }
    }

    private static double perplexity(String schemeName, QuantizedModelStore store) {
        return PPL.computeIfAbsent(schemeName + (store != null ? "@store" : ""), k -> {
            LlamaModel model;
            QuantizedModel q = null;
            if (schemeName.equals("base")) {
                model = LlamaModel.load(ckpt);
            } else {
                q = ModelQuantizer.prepare(ckpt, "0".repeat(64), SchemeNames.parse(schemeName), false, store, (d, t, n) -> { });
                model = LlamaModel.load(ckpt, q);
            }
            double p = new PerplexityEvaluator(new InferenceSession(model, 512, 64, pool),
                    new PerplexityDefinition(512, 511, true, 511), tok.bosId()).evaluate(docs).perplexity();
            if (q != null) {
                q.close();
            }
            return p;
        });
    }

    @Test
    void perplexityOrderingAcrossSchemes() {
        double base = perplexity("base", null);
        assertThat(base).isBetween(3.166, 3.170);
        // 8-bit integer schemes are near-lossless: within 1% of the base.
        for (String s : List.of("W8A16-RTN", "W8A8-INT", "W8A16-RTN-g64-asym")) {
            assertThat(perplexity(s, null)).as(s).isBetween(base * 0.99, base * 1.01);
        }
        // FP8 has 3 mantissa bits: within 2%.
        for (String s : List.of("FP8-weight", "FP8-dynamic", "FP8-weight-tensor")) {
            assertThat(perplexity(s, null)).as(s).isBetween(base * 0.99, base * 1.02);
        }
        // 4-bit costs a few percent on this 260K-parameter model but stays far from collapse.
        for (String s : List.of("W4A16-RTN-g32-sym", "W4A16-RTN-g128-asym", "W4A16-RTN-g128-sym", "NF4", "NF4-DQ")) {
            assertThat(perplexity(s, null)).as(s).isBetween(base, base * 1.3);
        }
        // Smaller groups help: g32 beats per-channel at 4 bits.
        assertThat(perplexity("W4A16-RTN-g32-sym", null)).isLessThan(perplexity("W4A16-RTN-ch-sym", null));
        // 3 bits is clearly worse than 4, 2 bits collapses.
        assertThat(perplexity("W3A16-RTN-g64-sym", null)).isGreaterThan(perplexity("W4A16-RTN-g64-sym", null));
        assertThat(perplexity("W2A16-RTN-g64-sym", null)).isGreaterThan(2 * perplexity("W4A16-RTN-g64-sym", null));
    }

    @Test
    void theCacheGivesTheSameModelBack(@TempDir Path cache) {
        QuantizedModelStore store = new QuantizedModelStore(cache);
        double first = perplexity("W4A16-RTN-g32-asym", store);
        PPL.remove("W4A16-RTN-g32-asym@store");
        QuantizedModel again = ModelQuantizer.prepare(ckpt, "0".repeat(64), SchemeNames.parse("W4A16-RTN-g32-asym"),
                false, store, (d, t, n) -> { });
        assertThat(again.fromCache()).isTrue();
        again.close();
        assertThat(perplexity("W4A16-RTN-g32-asym", store)).isEqualTo(first);
        assertThat(ModelFingerprint.sha256(SharedData.require("models/stories260K/stories260K.bin"), cache.resolve("h")))
                .isEqualTo("b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696");
    }

    @Test
    void schemesThatDoNotFitTheModelAreRefusedClearly() {
        // stories260K's hidden size 172 is not a multiple of llama.cpp's 32-weight blocks.
        assertThatThrownBy(() -> ModelQuantizer.prepare(ckpt, "0".repeat(64), SchemeNames.parse("Q4_0"), false, null,
                (d, t, n) -> { })).hasMessageContaining("ffn_down").hasMessageContaining("32");
        assertThatThrownBy(() -> ModelQuantizer.prepare(ckpt, "0".repeat(64), SchemeNames.parse("W4A16-GPTQ-g128-sym"),
                false, null, (d, t, n) -> { })).hasMessageContaining("calibration");
    }
}
