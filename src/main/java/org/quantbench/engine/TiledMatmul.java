package org.quantbench.engine;

import org.quantbench.tensor.ArrayAlignment;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

/**
 * The GEMM every weight format shares: each task widens a tile of {@link #CHUNK_ROWS} rows x one K-block to
 * float once (through the format's {@link TileDecoder}) and reuses it for every token, in the canonical order of
 * {@link MatmulKernels}. A format's own GEMV must give the same floats for one token.
 */
public final class TiledMatmul {
    /** Output rows per task: fixed, so results do not depend on the thread count. */
    public static final int CHUNK_ROWS = 16;
    /**
     * K-blocks start at multiples of this: whole vectors (lanes keep their columns, so the canonical order holds) and
     * whole ggml blocks of 32 weights (their tile decoders widen whole blocks).
     */
    static final int K_ALIGN = 32;
    /**
     * Rows up to this width are multiplied in one pass ({@link MatmulKernels#tileWhole}), with no lane state stored
     * between K-blocks; a 16-row tile of 768 floats (48 KB) is swept eight rows at a time, which stay in L1.
     */
    static final int WHOLE_MAX = 768;
    private static final int TILE_STRIDE = Math.max(WHOLE_MAX, MatmulKernels.K_BLOCK);
    /** Floats in a 64-byte line: row strides that are multiples of it keep every row on a line. */
    private static final int LINE_FLOATS = 16;
    /** Where a buffer's first 64-byte line starts: weight tiles and activation rows begin there (see {@link ArrayAlignment}). */
    private static final int PAD = ArrayAlignment.floatPad();
    /** Activation rows are copied to line-aligned rows when alignment is known and kernels are vectorized. */
    private static final boolean ALIGN_ROWS = ArrayAlignment.known() && VectorSupport.enabled();
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[PAD + CHUNK_ROWS * TILE_STRIDE]);
    private static final ThreadLocal<float[][]> ROWS = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<float[][]> ACC = ThreadLocal.withInitial(() -> new float[1][0]);

    /** Widens {@code len} weights of row {@code row} starting at column {@code col} into {@code dst[dstOff..]}. */
    @FunctionalInterface
    public interface TileDecoder {
        void decode(int row, int col, int len, float[] dst, int dstOff);
    }

    private TiledMatmul() {}

    /** Tasks for {@code rows} outputs. */
    public static int chunks(int rows) {
        return (rows + CHUNK_ROWS - 1) / CHUNK_ROWS;
    }

    /** Row ranges of a one-token product per thread (see {@link #gemv}). */
    private static final int GEMV_RANGES_PER_THREAD = 4;

    /** A one-token product over output rows {@code [o0, o0 + n)}. */
    @FunctionalInterface
    public interface RowRange {
        void run(int o0, int n);
    }

    /**
     * Runs a one-token product (decode) as a few long row ranges per thread, each starting on a multiple of
     * {@link #CHUNK_ROWS} (so kernels group rows as they would in 16-row chunks, and the results do not change). A
     * decoded token streams every weight from memory once: long contiguous ranges are streams the hardware
     * prefetchers follow, where 16-row chunks dealt out alternately to two threads read a few KB at a time from
     * each place (docs/benchmarks.md, session 13).
     */
    public static void gemv(int rows, int cols, ComputePool pool, RowRange body) {
        int per = Math.ceilDiv(Math.ceilDiv(rows, GEMV_RANGES_PER_THREAD * pool.threads()), CHUNK_ROWS) * CHUNK_ROWS;
        pool.forEach(Math.ceilDiv(rows, per), (long) per * cols, c -> body.run(c * per, Math.min(per, rows - c * per)));
    }

    /** Multiply-adds of one task, for {@link ComputePool#forEach(int, long, java.util.function.IntConsumer)}. */
    public static long workPerChunk(int cols, int tokens) {
        return (long) CHUNK_ROWS * cols * tokens;
    }

    public static void forward(int rows, int cols, TileDecoder decoder, float[] in, float[] out, int tokens, ComputePool pool) {
        int step = kStep(cols);
        int xStride = ALIGN_ROWS ? (cols + LINE_FLOATS - 1) / LINE_FLOATS * LINE_FLOATS : cols;
        int xOff = ALIGN_ROWS ? PAD : 0;
        float[] x = ALIGN_ROWS ? alignedRows(in, cols, tokens, xStride) : in;
        pool.forEach(chunks(rows), workPerChunk(cols, tokens), c -> {
            int o0 = c * CHUNK_ROWS;
            int n = Math.min(CHUNK_ROWS, rows - o0);
            float[] tile = TILE.get();
            if (cols <= WHOLE_MAX) {
                for (int r = 0; r < n; r++) {
                    decoder.decode(o0 + r, 0, cols, tile, PAD + r * TILE_STRIDE);
                }
                MatmulKernels.tileWhole(tile, PAD, TILE_STRIDE, n, x, xOff, xStride, cols, tokens, out, rows, o0);
                return;
            }
            int accSize = n * tokens * MatmulKernels.accumulatorWidth();
            float[] acc = buffer(ACC, accSize);
            java.util.Arrays.fill(acc, 0, accSize, 0f);
            for (int kb = 0; kb < cols; kb += step) {
                int len = Math.min(step, cols - kb);
                for (int r = 0; r < n; r++) {
                    decoder.decode(o0 + r, kb, len, tile, PAD + r * TILE_STRIDE);
                }
                MatmulKernels.tileBlock(tile, PAD, TILE_STRIDE, n, x, xStride, xOff + kb, len, tokens, acc);
                if (kb + len == cols) {
                    MatmulKernels.finishTile(tile, PAD, TILE_STRIDE, n, x, xStride, xOff + kb, len, tokens, acc, out, rows, o0);
                }
            }
        });
    }

    /**
     * {@code in}'s rows in this (calling) thread's buffer, each starting on a 64-byte line: the workers read them while
     * the caller waits in {@code forEach}, and the next call may reuse the buffer.
     */
    private static float[] alignedRows(float[] in, int cols, int tokens, int stride) {
        float[] x = buffer(ROWS, PAD + tokens * stride);
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(in, t * cols, x, PAD + t * stride, cols);
        }
        return x;
    }

    /**
     * Columns per K-block: {@code cols} split into near-equal blocks of at most {@link MatmulKernels#K_BLOCK}, each a
     * multiple of {@link #K_ALIGN}, instead of full blocks and a short tail whose accumulator loads and stores cost as
     * much as its multiply-adds (576 = 288 + 288, not 512 + 64).
     */
    public static int kStep(int cols) {
        int blocks = (cols + MatmulKernels.K_BLOCK - 1) / MatmulKernels.K_BLOCK;
        int even = (cols + blocks - 1) / blocks;
        return Math.min(MatmulKernels.K_BLOCK, (even + K_ALIGN - 1) / K_ALIGN * K_ALIGN);
    }

    /**
     * This thread's buffer in {@code holders} (lane accumulators kept between K-blocks, or aligned activation rows),
     * grown on demand to at least {@code size} floats.
     */
    private static float[] buffer(ThreadLocal<float[][]> holders, int size) {
        float[][] holder = holders.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
