package org.quantbench.model.safetensors;

import java.util.List;

/**
 * One header entry: {@code dataBegin}/{@code dataEnd} are offsets inside the data section (as in the header), and
 * the byte length equals the dtype's size times the element count.
 */
public record SafetensorsTensorInfo(String name, SafetensorsDType dtype, List<Long> shape, long dataBegin, long dataEnd) {

    public SafetensorsTensorInfo {
        shape = List.copyOf(shape);
    }

    public long byteLength() { return dataEnd - dataBegin; }

    /** Product of the shape (1 for a scalar); the header parser has checked that it does not overflow. */
    public long elements() {
        long n = 1;
        for (long dim : shape) {
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }
}
