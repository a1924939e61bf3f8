package org.quantbench.eval.tasks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.LogProbs;
import org.quantbench.tensor.ComputePool;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reusing the KV cache across choices and items, and scoring an item's choices as branches of one step, gives
 * bit-for-bit the scores of running every request alone.
 */
class PrefixSharingTest {

    /** The reference: a fresh session, the whole input in one call, every continuation token scored. */
    private static double fromScratch(LlamaModel model, ComputePool pool, EncodedRequest r, int capacity) {
        int[] ctx = r.context();
        int[] cont = r.continuation();
        int total = ctx.length + cont.length;
        int start = Math.max(0, total - 1 - capacity);
        int[] full = new int[total];
        System.arraycopy(ctx, 0, full, 0, ctx.length);
        System.arraycopy(cont, 0, full, ctx.length, cont.length);
        int[] input = java.util.Arrays.copyOfRange(full, start, total - 1);
        int vocab = model.config().vocabSize();
        double[] sum = {0};
        new InferenceSession(model, capacity, 7, pool).forward(input, 0, input.length, (i, logits, off) -> {
            int target = start + i + 1;
            if (target >= ctx.length) {
                sum[0] += LogProbs.of(logits, off, vocab, full[target]);
            }
        });
        return sum[0];
    }

    /** Branch slots for the one-step path; none leaves only items whose branches fit the window to it. */
    @ParameterizedTest
    @ValueSource(ints = {0, 64})
    void sharedPrefixesScoreExactlyAsFromScratch(int branchSlots) {
        LlamaModel model = Stories260K.model();
        RequestEncoder encoder = new RequestEncoder(Stories260K.tokenizer());
        List<List<Request>> items = List.of(
                List.of(new Request("Once upon a time there was a", " cat"), new Request("Once upon a time there was a", " big dog"),
                        new Request("Once upon a time there was a", " zxq qqq"), new Request("Once upon a time there was a", " girl named Lily")),
                // fill-in style: contexts differ after a shared start, same continuation
                List.of(new Request("Tom and Sam played. Tom", " was happy."), new Request("Tom and Sam played. Sam", " was happy.")),
                // one-token continuations after the same context: the kept logits serve every choice
                List.of(new Request("The sun is", " A"), new Request("The sun is", " B"), new Request("The sun is", " C")),
                List.of(new Request("", " Lily")));
        int capacity = 24;  // short, so the longest requests are cut from the left
        try (ComputePool pool = new ComputePool(2)) {
            SessionScorer scorer = new SessionScorer(new InferenceSession(model, capacity, branchSlots, 5, pool));
            for (List<Request> item : items) {
                List<EncodedRequest> encoded = new ArrayList<>();
                item.forEach(r -> encoded.add(encoder.encode(r)));
                List<Loglikelihood> shared = scorer.score(encoded);
                for (int c = 0; c < encoded.size(); c++) {
                    assertThat(shared.get(c).logProb()).as("item %s choice %d", item, c)
                            .isEqualTo(fromScratch(model, pool, encoded.get(c), capacity));
                    assertThat(shared.get(c).tokens()).isEqualTo(encoded.get(c).continuation().length);
                }
            }
            List<EncodedRequest> longOne = List.of(encoder.encode(new Request(
                    "Once upon a time there was a little girl named Lily who liked to play outside in the sun with her", " dog")));
            assertThat(scorer.score(longOne).getFirst().logProb()).isEqualTo(fromScratch(model, pool, longOne.getFirst(), capacity));
        }
    }
}
