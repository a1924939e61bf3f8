package org.quantbench.eval;

import org.junit.jupiter.api.Test;
import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.tasks.ItemSelection;
import org.quantbench.eval.tasks.Task;
import org.quantbench.eval.tasks.TaskCatalog;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluation benchmark counts what it claims to: items, scored tokens, and the tokens run with and without sharing. */
class EvalThroughputBenchmarkTest {

    @Test
    void perplexityRunsEveryWindowTokenOnceAndScoresTheEvaluatorsTokens() {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool pool = new ComputePool(2)) {
            LlamaModel model = LlamaModel.load(ckpt);
            int[] doc = new SplittableRandom(3).ints(300, 3, 512).toArray();
            PerplexityDefinition def = new PerplexityDefinition(128, 128, true, 0);
            EvalThroughputBenchmark.Measurement m = new EvalThroughputBenchmark(model, pool, 1)
                    .perplexity(List.of(doc), def, OptionalInt.of(1));
            // BOS + 127 text tokens per window: windows of 128, 128 and 1 + 46 tokens
            assertThat(m.tokensRun()).isEqualTo(128 + 128 + 47);
            assertThat(m.units()).isEqualTo(300);
            assertThat(m.rawPromptTokens()).isEqualTo(128);
            assertThat(m.rawPrefillTokensPerSecond()).isPositive();
            assertThat(m.overhead()).isFinite();
        }
    }

    @Test
    void aTaskRunsFewerTokensThanItsRequestsHoldBecauseChoicesShareTheirContext() {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool pool = new ComputePool(2)) {
            LlamaModel model = LlamaModel.load(ckpt);
            Tokenizer tok = ckpt.tokenizer().orElseThrow();
            Task arc = TaskCatalog.resolve("arc_easy", SharedData.require("data")).getFirst();
            EvalThroughputBenchmark.Measurement m = new EvalThroughputBenchmark(model, pool, 1)
                    .task(arc, tok, new ItemSelection(20, null), 2);
            assertThat(m.units()).isEqualTo(20);
            assertThat(m.tokensRun()).isPositive().isLessThan(m.tokensUnshared());
            assertThat(m.rawPromptTokens()).isEqualTo((int) Math.round(m.tokensRun() / 20.0));
            assertThat(m.unitsPerSecond()).isPositive();
        }
    }
}
