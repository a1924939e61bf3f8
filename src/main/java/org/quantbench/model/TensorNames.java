package org.quantbench.model;

/**
 * The canonical tensor names every reader maps its own names to (GGUF's, so a GGUF file needs no mapping).
 * Weights are [out, in]; Q and K rows follow the checkpoint's {@link RopeLayout}.
 */
public final class TensorNames {
    public static final String TOKEN_EMBD = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    /** Absent when embeddings are tied. */
    public static final String OUTPUT = "output.weight";

    private TensorNames() {}

    public static String attnNorm(int layer) { return blk(layer, "attn_norm.weight"); }
    public static String attnQ(int layer) { return blk(layer, "attn_q.weight"); }
    public static String attnK(int layer) { return blk(layer, "attn_k.weight"); }
    public static String attnV(int layer) { return blk(layer, "attn_v.weight"); }
    public static String attnQBias(int layer) { return blk(layer, "attn_q.bias"); }
    public static String attnKBias(int layer) { return blk(layer, "attn_k.bias"); }
    public static String attnVBias(int layer) { return blk(layer, "attn_v.bias"); }
    public static String attnOutput(int layer) { return blk(layer, "attn_output.weight"); }
    public static String ffnNorm(int layer) { return blk(layer, "ffn_norm.weight"); }
    public static String ffnGate(int layer) { return blk(layer, "ffn_gate.weight"); }
    public static String ffnUp(int layer) { return blk(layer, "ffn_up.weight"); }
    public static String ffnDown(int layer) { return blk(layer, "ffn_down.weight"); }

    private static String blk(int layer, String suffix) {
        return "blk." + layer + "." + suffix;
    }
}
