package org.quantbench.model.gguf;

import org.quantbench.tensor.DType;

import java.util.List;
import java.util.Optional;

/**
 * A tensor as the GGUF header describes it: {@code shape} is ggml's ne[] (ne[0] = the contiguous row length),
 * {@code typeId} the ggml type id (possibly one QuantBench cannot decode), {@code offset} relative to the start of
 * the data section.
 */
public record GgufTensorInfo(String name, List<Long> shape, long typeId, long offset) {

    public GgufTensorInfo {
        shape = List.copyOf(shape);
    }

    /** The decodable dtype, or empty when QuantBench cannot decode this type. */
    public Optional<DType> dtype() { return GgmlType.dtype(typeId); }

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** ne[0]: the length of one row. */
    public long cols() { return shape.getFirst(); }

    /** The product of ne[1..]: 1 for a 1-D tensor. */
    public long rows() {
        long n = 1;
        for (int i = 1; i < shape.size(); i++) {
            n = Math.multiplyExact(n, shape.get(i));
        }
        return n;
    }
}
