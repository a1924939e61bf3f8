package org.quantbench.eval;

import org.quantbench.engine.InferenceSession;

import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * Runs the windows of a {@link TokenWindows} through a session one forward step at a time and hands each step's scored
 * tokens over together, so that their per-token statistics (a log-softmax over the vocabulary each, as costly as a
 * few percent of the step) can run on the session's threads instead of one. Callers sum the statistics in token order
 * afterwards, so totals do not depend on the thread count.
 */
public final class ScoredSteps {
    private ScoredSteps() {}

    /**
     * The scored tokens of one forward step, in order: the j-th has index {@code first + j} (counted over all
     * windows), token id {@code targets[j]} and its logits at {@code logits[offsets[j]]}, valid until the next step.
     */
    public record Block(long first, int count, int[] targets, float[] logits, int[] offsets) {}

    @FunctionalInterface
    public interface BlockSink {
        void accept(Block block) throws IOException;
    }

    /**
     * Runs every window, rewinding the session for each; {@code windowDone} is told the count of windows done after
     * each (it may throw, e.g. a {@link java.util.concurrent.CancellationException}, to stop between windows).
     */
    public static void run(InferenceSession session, TokenWindows windows, IntConsumer windowDone, BlockSink sink)
            throws IOException {
        if (windows.definition().contextLength() > session.capacity()) {
            throw new IllegalArgumentException("context " + windows.definition().contextLength() + " exceeds the session's "
                    + session.capacity() + " positions");
        }
        int step = session.maxBlock();
        int[] targets = new int[step];
        int[] offsets = new int[step];
        long index = 0;
        int done = 0;
        for (TokenWindows.Window w : windows.windows()) {
            int[] input = windows.input(w);
            int[] doc = windows.documents().get(w.doc());
            long windowFirst = index;
            session.rewind(0);
            for (int s = 0; s < input.length; s += step) {
                int from = s;
                int[] count = {0};
                long[] first = {0};
                float[][] logits = {null};
                session.forward(input, s, Math.min(step, input.length - s), (i, l, off) -> {
                    int target = windows.target(w, from + i);
                    if (target >= w.firstScored() && target < w.end()) {
                        if (count[0] == 0) {
                            first[0] = windowFirst + target - w.firstScored();
                        }
                        targets[count[0]] = doc[target];
                        offsets[count[0]] = off;
                        logits[0] = l;
                        count[0]++;
                    }
                });
                if (count[0] > 0) {
                    sink.accept(new Block(first[0], count[0], targets, logits[0], offsets));
                }
            }
            index += w.scored();
            windowDone.accept(++done);
        }
    }
}
