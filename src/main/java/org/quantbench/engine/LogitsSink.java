package org.quantbench.engine;

/** Receives the logits of token {@code index} of a forward block: {@code logits[offset .. offset+vocab)}. */
@FunctionalInterface
public interface LogitsSink {
    void accept(int index, float[] logits, int offset);
}
