package org.quantbench.quant.calib;

/**
 * The inputs captured in a decoder layer, one per set of linears that read the same activations: q/k/v read the
 * attn_norm output, o the attention output, gate/up the ffn_norm output, down {@code silu(gate) * up}.
 */
public enum InputGroup {
    ATTN_IN, ATTN_OUT, FFN_IN, FFN_MID
}
