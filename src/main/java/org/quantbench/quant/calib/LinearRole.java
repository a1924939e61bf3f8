package org.quantbench.quant.calib;

import org.quantbench.model.TensorNames;

import java.util.List;
import java.util.function.IntFunction;

/** The seven linears of a decoder layer, in the order the forward pass runs them, with the input each one reads. */
public enum LinearRole {
    Q(InputGroup.ATTN_IN, TensorNames::attnQ),
    K(InputGroup.ATTN_IN, TensorNames::attnK),
    V(InputGroup.ATTN_IN, TensorNames::attnV),
    O(InputGroup.ATTN_OUT, TensorNames::attnOutput),
    GATE(InputGroup.FFN_IN, TensorNames::ffnGate),
    UP(InputGroup.FFN_IN, TensorNames::ffnUp),
    DOWN(InputGroup.FFN_MID, TensorNames::ffnDown);

    private final InputGroup input;
    private final IntFunction<String> name;

    LinearRole(InputGroup input, IntFunction<String> name) {
        this.input = input;
        this.name = name;
    }

    /** The captured activations this linear multiplies. */
    public InputGroup input() { return input; }

    /** The canonical tensor name in layer {@code layer}, e.g. {@code blk.3.attn_q.weight}. */
    public String tensorName(int layer) { return name.apply(layer); }

    /** The linears that read {@code group}, in forward order. */
    public static List<LinearRole> reading(InputGroup group) {
        return java.util.Arrays.stream(values()).filter(r -> r.input == group).toList();
    }
}
