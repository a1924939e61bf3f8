package org.quantbench.engine;

import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.GemvKernels;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

/**
 * A linear layer over a stored tensor of any {@link org.quantbench.tensor.DType}, left where it was mapped. Each
 * task widens a tile of 16 rows x one K-block to float once and reuses it for every token of the block.
 */
public final class DenseLinear implements Linear {
    static final int CHUNK_ROWS = 16;
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[CHUNK_ROWS * MatmulKernels.K_BLOCK]);
    private static final ThreadLocal<float[][]> ACC = ThreadLocal.withInitial(() -> new float[1][0]);

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
        int chunks = (rows + CHUNK_ROWS - 1) / CHUNK_ROWS;
        long work = (long) CHUNK_ROWS * cols * tokens;
        if (tokens == 1 && GemvKernels.supports(weight.dtype())) {
            pool.forEach(chunks, work, c -> GemvKernels.gemv(weight.dtype(), weight.data(), weight.rowBytes(), c * CHUNK_ROWS,
                    Math.min(CHUNK_ROWS, rows - c * CHUNK_ROWS), in, cols, out));
            return;
        }
        pool.forEach(chunks, work, c -> {
            int o0 = c * CHUNK_ROWS;
            int n = Math.min(CHUNK_ROWS, rows - o0);
            float[] tile = TILE.get();
            int accSize = n * tokens * MatmulKernels.accumulatorWidth();
            float[] acc = accumulators(accSize);
            java.util.Arrays.fill(acc, 0, accSize, 0f);
            for (int kb = 0; kb < cols; kb += MatmulKernels.K_BLOCK) {
                int len = Math.min(MatmulKernels.K_BLOCK, cols - kb);
                long colOffset = weight.dtype().bytesFor(kb);
                for (int r = 0; r < n; r++) {
                    RowDecoders.decode(weight.dtype(), weight.data(), (o0 + r) * weight.rowBytes() + colOffset,
                            tile, r * MatmulKernels.K_BLOCK, len);
                }
                MatmulKernels.tileBlock(tile, MatmulKernels.K_BLOCK, n, in, cols, kb, len, tokens, acc);
                if (kb + len == cols) {
                    MatmulKernels.finishTile(tile, MatmulKernels.K_BLOCK, n, in, cols, kb, len, tokens, acc, out, rows, o0);
                }
            }
        });
    }

    /** This thread's buffer for lane accumulators parked between K-blocks, grown on demand. */
    private static float[] accumulators(int size) {
        float[][] holder = ACC.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
