package org.quantbench.eval;

import org.junit.jupiter.api.Test;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.tensor.ComputePool;
import org.quantbench.testing.SharedData;

import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The sliding-window definition checked against a hand-written loop over the same windows. */
class PerplexityEvaluatorTest {

    /** NLL of doc[target] for each target, predicted from window doc[from..target) (with BOS first if asked). */
    private static double nll(LlamaModel model, ComputePool pool, int[] doc, int from, int target, boolean bos) {
        int lead = bos ? 1 : 0;
        int[] window = new int[lead + target - from];
        if (bos) {
            window[0] = 1;
        }
        System.arraycopy(doc, from, window, lead, target - from);
        float[] logits = new InferenceSession(model, 64, 8, pool).forwardLast(window, 0, window.length);
        return -LogProbs.of(logits, 0, logits.length, doc[target]);
    }

    @Test
    void slidingWindowsScoreEachTokenOnceWithTheStatedContext() {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool pool = new ComputePool(2)) {
            LlamaModel model = LlamaModel.load(ckpt);
            int[] doc = new SplittableRandom(9).ints(15, 3, 512).toArray();
            // no BOS, context 8, stride 4: windows [0,8) [4,12) [8,15); tokens 1..14 scored once each
            double expected = 0;
            for (int t = 1; t < 15; t++) {
                int from = t < 8 ? 0 : t < 12 ? 4 : 8;
                expected += nll(model, pool, doc, from, t, false);
            }
            PerplexityResult r = new PerplexityEvaluator(new InferenceSession(model, 64, 8, pool),
                    new PerplexityDefinition(8, 4, false, 0), OptionalInt.empty()).evaluate(List.of(doc));
            assertThat(r.scoredTokens()).isEqualTo(14);
            assertThat(r.windows()).isEqualTo(3);
            assertThat(r.meanNll()).isCloseTo(expected / 14, within(1e-6));
            assertThat(r.perplexity()).isCloseTo(Math.exp(expected / 14), within(1e-6));

            // BOS, context 8 (7 text tokens per window), disjoint windows: [0,7) [7,14) [14,15); all 15 tokens scored
            double withBos = 0;
            for (int t = 0; t < 15; t++) {
                withBos += nll(model, pool, doc, (t / 7) * 7, t, true);
            }
            PerplexityResult b = new PerplexityEvaluator(new InferenceSession(model, 64, 8, pool),
                    new PerplexityDefinition(8, 7, true, 0), OptionalInt.of(1)).evaluate(List.of(doc));
            assertThat(b.scoredTokens()).isEqualTo(15);
            assertThat(b.meanNll()).isCloseTo(withBos / 15, within(1e-6));
        }
    }

    @Test
    void resultDoesNotDependOnThreadsOrStepSize() {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool one = new ComputePool(1);
             ComputePool three = new ComputePool(3)) {
            LlamaModel model = LlamaModel.load(ckpt);
            List<int[]> docs = List.of(new SplittableRandom(4).ints(300, 3, 512).toArray(),
                    new SplittableRandom(5).ints(70, 3, 512).toArray());
            PerplexityDefinition def = new PerplexityDefinition(96, 40, true, 0);
            PerplexityResult slow = new PerplexityEvaluator(new InferenceSession(model, 96, 7, one), def, OptionalInt.of(1))
                    .evaluate(docs);
            PerplexityResult fast = new PerplexityEvaluator(new InferenceSession(model, 96, 64, three), def, OptionalInt.of(1))
                    .evaluate(docs);
            assertThat(fast).isEqualTo(slow);
            assertThat(slow.scoredTokens()).isEqualTo(370);
        }
    }
}
