package org.quantbench.tensor;

/**
 * Element types of stored tensors. Block types pack {@link #blockSize} elements into {@link #blockBytes} bytes;
 * plain types have a block of one element.
 */
public enum DType {
    F32(1, 4),
    F16(1, 2),
    BF16(1, 2),
    Q8_0(32, 34),
    Q4_0(32, 18),
    Q4_1(32, 20),
    Q4_K(256, 144),
    Q6_K(256, 210);

    private final int blockSize;
    private final int blockBytes;

    DType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int blockSize() { return blockSize; }

    public int blockBytes() { return blockBytes; }

    /** Bytes taken by {@code elements} values; the count must be a multiple of the block size. */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** Effective bits per stored element, scales included. */
    public double bitsPerWeight() {
        return 8.0 * blockBytes / blockSize;
    }
}
