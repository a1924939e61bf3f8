package org.quantbench.quant.awq;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.engine.Generator;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.engine.Sampler;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.PerplexityEvaluator;
import org.quantbench.eval.TextDocuments;
import org.quantbench.model.TensorNames;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.quant.ModelQuantizer;
import org.quantbench.quant.QuantizedModel;
import org.quantbench.quant.QuantizedModelStore;
import org.quantbench.quant.SchemeNames;
import org.quantbench.quant.calib.CalibrationData;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AWQ, SmoothQuant and AutoRound end to end on stories260K (ModelQuantizer -> calibration pipeline -> cache -> engine),
 * scored by perplexity on the TinyStories validation head. Calibration text is sampled from the float model itself
 * (the only TinyStories text in ../shared is that evaluation split).
 */
class CalibratedSchemesOnStories260KTest {
    private static Llama2cCheckpoint ckpt;
    private static ComputePool pool;
    private static Tokenizer tok;
    private static List<int[]> evalDocs;
    private static CalibrationData calibration;
    private static final Map<String, Double> PPL = new HashMap<>();
    @TempDir
    static Path tmp;

    @BeforeAll
    static void open() throws IOException {
        ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin"));
        pool = new ComputePool(2);
        tok = ckpt.tokenizer().orElseThrow();
        evalDocs = TextDocuments.read(SharedData.require("data/tinystories/TinyStories-valid.head-transcribed.txt"),
                "<|endoftext|>", true, 0).stream().map(s -> tok.encode(s, false)).toList();
        StringBuilder text = new StringBuilder();
        LlamaModel model = LlamaModel.load(ckpt);
        int bos = tok.bosId().orElseThrow();
        for (int s = 0; s < 16; s++) {
            int[] ids = Generator.generate(new InferenceSession(model, 512, 64, pool), new int[] {bos}, 256,
                    new Sampler(1.0f, 1.0f, 100 + s), t -> t == bos || t == tok.eosId().orElse(-1), t -> { });
            text.append(tok.decode(ids).strip()).append("\n<|endoftext|>\n");
        }
        Path file = tmp.resolve("stories260k-self-generated.txt");
        Files.writeString(file, text);
        calibration = CalibrationData.load(file, tok, 16, 256, 0, w -> { });
    }

    @AfterAll
    static void close() {
        if (ckpt != null) {
            ckpt.close();
            pool.close();
        }
    }

    private static double perplexity(QuantizedModel q) {
        LlamaModel model = q == null ? LlamaModel.load(ckpt) : LlamaModel.load(ckpt, q);
        return new PerplexityEvaluator(new InferenceSession(model, 512, 64, pool),
                new PerplexityDefinition(512, 511, true, 511), tok.bosId()).evaluate(evalDocs).perplexity();
    }

    private static double perplexity(String scheme) {
        return PPL.computeIfAbsent(scheme, k -> {
            if (k.equals("base")) {
                return perplexity((QuantizedModel) null);
            }
            try (QuantizedModel q = ModelQuantizer.prepare(ckpt, "0".repeat(64), SchemeNames.parse(k), false,
                    calibration, pool, null, (d, t, n) -> { })) {
                return perplexity(q);
            }
        });
    }

    @Test
    void awqIsAtMostRoundToNearest() {
        double awq = perplexity("W4A16-AWQ-g128-asym");
        double rtn = perplexity("W4A16-RTN-g128-asym");
        System.out.printf("stories260K: base %.4f, AWQ %.4f, RTN asym %.4f%n", perplexity("base"), awq, rtn);
        assertThat(awq).isLessThanOrEqualTo(rtn);
    }

    @Test
    void smoothQuantW8A8StaysNearTheBase() {
        double base = perplexity("base");
        double sq = perplexity("W8A8-INT-SQ");
        System.out.printf("stories260K: base %.4f, W8A8-INT-SQ %.4f, W8A8-INT %.4f%n", base, sq, perplexity("W8A8-INT"));
        assertThat(sq).isBetween(base * 0.99, base * 1.01);
    }

    @Test
    void autoRoundIsAtMostRoundToNearest() {
        // llm-compressor's symmetric convention is covered on one layer (AutoRoundQuantizerTest).
        for (String[] pair : new String[][] {{"W4A16-AutoRound-g128-sym-ar", "W4A16-RTN-g128-sym-ar"},
                {"W4A16-AutoRound-g128-asym", "W4A16-RTN-g128-asym"}}) {
            double ar = perplexity(pair[0]);
            double rtn = perplexity(pair[1]);
            System.out.printf("stories260K: %s %.4f, %s %.4f%n", pair[0], ar, pair[1], rtn);
            assertThat(ar).as(pair[0]).isLessThanOrEqualTo(rtn);
        }
    }

    @Test
    void foldedNormsSurviveTheCache() {
        QuantizedModelStore store = new QuantizedModelStore(tmp.resolve("cache"));
        double first;
        try (QuantizedModel q = ModelQuantizer.prepare(ckpt, "0".repeat(64), SchemeNames.parse("W8A8-INT-SQ"), false,
                calibration, pool, store, (d, t, n) -> { })) {
            assertThat(q.fromCache()).isFalse();
            first = perplexity(q);
        }
        try (QuantizedModel q = ModelQuantizer.prepare(ckpt, "0".repeat(64), SchemeNames.parse("W8A8-INT-SQ"), false,
                calibration, pool, store, (d, t, n) -> { })) {
            assertThat(q.fromCache()).isTrue();
            assertThat(q.norm(TensorNames.attnNorm(0), ckpt.tensor(TensorNames.attnNorm(0))))
                    .isNotEqualTo(ckpt.tensor(TensorNames.attnNorm(0)).toFloatArray());
            assertThat(perplexity(q)).isEqualTo(first);
        }
    }
}
