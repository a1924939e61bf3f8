package org.quantbench.eval.tasks;

/** A request as token ids: the context (BOS first where the model takes one) and the continuation scored after it. */
public record EncodedRequest(int[] context, int[] continuation) {
    public EncodedRequest {
        if (context.length == 0) {
            throw new IllegalArgumentException("a request needs at least one context token");
        }
    }
}
