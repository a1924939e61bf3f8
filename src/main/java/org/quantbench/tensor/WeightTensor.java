package org.quantbench.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight tensor that stays where it was mapped: {@code rows} output features, each a contiguous row of
 * {@code cols} input features (the [out, in] order of HF, GGUF and llama2.c). 1-D tensors (norms, biases) have
 * one row. {@code data} is exactly {@code rows * dtype.bytesFor(cols)} bytes.
 */
public record WeightTensor(String name, DType dtype, int rows, int cols, MemorySegment data) {

    public WeightTensor {
        long rowBytes = dtype.bytesFor(cols);
        if (data.byteSize() != rowBytes * rows) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for " + rows + "x" + cols + " " + dtype);
        }
    }

    public long rowBytes() { return dtype.bytesFor(cols); }

    public long elements() { return (long) rows * cols; }

    /** Widens row {@code row} to float into {@code dst[dstOff .. dstOff+cols)}. */
    public void readRow(int row, float[] dst, int dstOff) {
        RowDecoders.decode(dtype, data, row * rowBytes(), dst, dstOff, cols);
    }

    /**
     * Drops this tensor's pages from the process's resident set when it is a slice of a mapped file (a later read
     * faults them in again from the page cache), so a pass that streams once through a large model keeps about one
     * layer resident. Pages shared with neighbouring tensors are dropped too, which costs a re-read, never a wrong value.
     */
    public void releasePages() {
        if (data.isMapped() && data.byteSize() > 0) {
            data.unload();
        }
    }

    /** The whole tensor widened to float, for small tensors (norms, biases, tests). */
    public float[] toFloatArray() {
        if (elements() > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException(name + " is too large to widen into one array");
        }
        float[] out = new float[(int) elements()];
        for (int r = 0; r < rows; r++) {
            readRow(r, out, r * cols);
        }
        return out;
    }
}
