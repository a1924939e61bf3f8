package org.quantbench.export.safetensors;

import org.quantbench.model.safetensors.SafetensorsDType;

import java.util.List;

/** One tensor to write: its header entry and the callback that streams its bytes. */
public record SafetensorsEntry(String name, SafetensorsDType dtype, List<Long> shape, TensorContent content) {

    public SafetensorsEntry {
        if (name == null || name.isEmpty() || name.equals("__metadata__")) {
            throw new IllegalArgumentException("invalid tensor name \"" + name + "\"");
        }
        shape = List.copyOf(shape);
        long elements = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + shape);
            }
            elements = Math.multiplyExact(elements, dim);
        }
        if (dtype.bytesFor(elements) < 0) {
            throw new IllegalArgumentException(name + ": " + elements + " elements of " + dtype + " do not fill whole bytes");
        }
    }

    /** A 2-D [rows, cols] entry. */
    public static SafetensorsEntry matrix(String name, SafetensorsDType dtype, long rows, long cols, TensorContent content) {
        return new SafetensorsEntry(name, dtype, List.of(rows, cols), content);
    }

    /** A 1-D entry (norm weights, biases). */
    public static SafetensorsEntry vector(String name, SafetensorsDType dtype, long length, TensorContent content) {
        return new SafetensorsEntry(name, dtype, List.of(length), content);
    }

    public long elements() {
        long n = 1;
        for (long dim : shape) {
            n *= dim;
        }
        return n;
    }

    public long byteLength() {
        return dtype.bytesFor(elements());
    }
}
