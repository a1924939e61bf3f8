package org.quantbench.export;

import org.quantbench.model.RopeLayout;

/**
 * How Q and K rows (and their bias elements) move between RoPE layouts. Within each head of {@code headDim}
 * rows, the interleaved row 2i+j (j in {0, 1}, i < headDim/2) is the rotate-half row j*headDim/2 + i; heads
 * keep their place.
 */
public final class RopeRowOrder {
    private RopeRowOrder() {}

    /** The index in a {@code from}-layout tensor that index {@code index} of the {@code to}-layout tensor takes. */
    public static int sourceIndex(RopeLayout from, RopeLayout to, int headDim, int index) {
        if (from == to) {
            return index;
        }
        int half = headDim / 2;
        int head = index / headDim;
        int within = index % headDim;
        int source = to == RopeLayout.HALF
                ? 2 * (within % half) + within / half
                : (within % 2) * half + within / 2;
        return head * headDim + source;
    }

    /** Whether a canonical tensor's rows (or elements, for a bias) are in RoPE order: Q and K. */
    public static boolean isRotated(String canonicalName) {
        return canonicalName.startsWith("blk.") && (canonicalName.endsWith(".attn_q.weight")
                || canonicalName.endsWith(".attn_k.weight") || canonicalName.endsWith(".attn_q.bias")
                || canonicalName.endsWith(".attn_k.bias"));
    }
}
