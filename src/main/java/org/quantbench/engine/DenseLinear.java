package org.quantbench.engine;

import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.GemvKernels;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

/**
 * A linear layer over a stored tensor of any {@link org.quantbench.tensor.DType}, left where it was mapped: F32 and
 * BF16 rows are read straight from the mapping for one token; otherwise rows are widened tile by tile.
 */
public final class DenseLinear implements Linear {
    private final WeightTensor weight;

    public DenseLinear(WeightTensor weight) {
        this.weight = weight;
    }

    public WeightTensor weight() { return weight; }

    @Override
    public int inFeatures() { return weight.cols(); }

    @Override
    public int outFeatures() { return weight.rows(); }

    @Override
    public long residentBytes() { return weight.data().byteSize(); }

    @Override
    public String format() { return weight.dtype().name(); }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        int rows = weight.rows();
        int cols = weight.cols();
        if (tokens == 1 && GemvKernels.supports(weight.dtype())) {
            TiledMatmul.gemv(rows, cols, pool, (o0, n) -> GemvKernels.gemv(weight.dtype(), weight.data(), weight.rowBytes(),
                    o0, n, in, cols, out));
            return;
        }
        TiledMatmul.TileDecoder decoder = weight.dtype() == DType.BF16
                ? (row, col, len, dst, off) -> GemvKernels.widenBf16(weight.data(), row * weight.rowBytes() + 2L * col, dst, off, len)
                : (row, col, len, dst, off) -> RowDecoders.decode(weight.dtype(), weight.data(),
                        row * weight.rowBytes() + weight.dtype().bytesFor(col), dst, off, len);
        TiledMatmul.forward(rows, cols, decoder, in, out, tokens, pool);
    }
}
