package org.quantbench.engine;

import org.junit.jupiter.api.Test;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.PerplexityEvaluator;
import org.quantbench.eval.PerplexityResult;
import org.quantbench.eval.TextDocuments;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** stories260K against the golden files of ../shared (llama2.c's run.c and a numpy reference). */
class Stories260KGoldenTest {

    private static Llama2cCheckpoint open() {
        return Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin"));
    }

    @Test
    void greedy200StepsFromBosReproduceRunC() throws Exception {
        List<String> lines = Files.readAllLines(SharedData.require("models/stories260K/greedy_200_output.txt"));
        String expected = String.join("\n", lines.subList(1, lines.size()));
        try (Llama2cCheckpoint ckpt = open(); ComputePool pool = new ComputePool(2)) {
            Tokenizer tok = ckpt.tokenizer().orElseThrow();
            InferenceSession session = new InferenceSession(LlamaModel.load(ckpt), 512, 64, pool);
            int[] prompt = {tok.bosId().getAsInt()};
            int[] generated = Generator.generate(session, prompt, 200, Sampler.greedy(),
                    id -> id == tok.bosId().getAsInt(), id -> { });
            int[] all = new int[generated.length + 1];
            all[0] = prompt[0];
            System.arraycopy(generated, 0, all, 1, generated.length);
            assertThat(generated).hasSize(200);
            assertThat(tok.decode(all).strip()).isEqualTo(expected.strip());
        }
    }

    @Test
    void encodeMatchesTheGolden() {
        try (Llama2cCheckpoint ckpt = open()) {
            assertThat(ckpt.tokenizer().orElseThrow().encodeForModel("Once upon a time")).containsExactly(1, 403, 407, 261, 378);
        }
    }

    /** The reference's definition: each story stripped and scored alone as BOS + tokens, truncated to 512. */
    @Test
    void tinyStoriesPerplexityIs3168() {
        try (Llama2cCheckpoint ckpt = open(); ComputePool pool = new ComputePool(2)) {
            Tokenizer tok = ckpt.tokenizer().orElseThrow();
            List<int[]> docs = TextDocuments.read(SharedData.require("data/tinystories/TinyStories-valid.head-transcribed.txt"),
                    "<|endoftext|>", true, 0).stream().map(s -> tok.encode(s, false)).toList();
            InferenceSession session = new InferenceSession(LlamaModel.load(ckpt), 512, 64, pool);
            PerplexityResult r = new PerplexityEvaluator(session, new PerplexityDefinition(512, 511, true, 511), tok.bosId())
                    .evaluate(docs);
            assertThat(r.documents()).isEqualTo(10);
            assertThat(r.scoredTokens()).isEqualTo(3378);
            assertThat(r.meanNll()).isCloseTo(1.1530879, within(2e-4));
            assertThat(r.perplexity()).isCloseTo(3.168, within(0.002));
        }
    }
}
