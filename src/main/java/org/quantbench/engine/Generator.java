package org.quantbench.engine;

import java.util.Arrays;
import java.util.function.IntPredicate;

/** Prefills a prompt in one block, then decodes token by token until the step budget or a stop token. */
public final class Generator {
    private Generator() {}

    /**
     * @param prompt   at least one token (BOS for an empty prompt)
     * @param maxNew   tokens to generate at most
     * @param stop     tokens that end generation (not emitted)
     * @param onToken  called with each generated token as it is produced
     * @return the generated tokens
     */
    public static int[] generate(InferenceSession session, int[] prompt, int maxNew, Sampler sampler,
                                 IntPredicate stop, java.util.function.IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt needs at least one token");
        }
        int budget = Math.min(maxNew, session.capacity() - session.position() - prompt.length + 1);
        int[] out = new int[Math.max(0, budget)];
        int produced = 0;
        float[] logits = session.forwardLast(prompt, 0, prompt.length);
        int[] one = new int[1];
        while (produced < budget) {
            int next = sampler.sample(logits);
            if (stop.test(next)) {
                break;
            }
            out[produced++] = next;
            onToken.accept(next);
            if (produced == budget) {
                break;
            }
            one[0] = next;
            logits = session.forwardLast(one, 0, 1);
        }
        return Arrays.copyOf(out, produced);
    }
}
