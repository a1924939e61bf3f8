package org.quantbench.quant.ggml;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.RowInterleave;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.GgmlQuantizers;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * A linear layer in one of llama.cpp's 32-weight block formats (Q8_0, Q4_0, Q4_1) with ggml's exact blocks. In and
 * out it speaks ggml's file layout (each row {@code cols / 32} consecutive blocks, rows back to back: {@link #wrap},
 * {@link #restore}, {@link #buffers}, {@link #toTensor}), so GGUF tensors and exports stay byte-exact; in memory it
 * keeps one copy with the blocks of each four rows interleaved ({@link RowInterleave}, a block per chunk), which a
 * decoded token reads as one stream. The scalar reference is {@link org.quantbench.tensor.GgmlBlocks}; one token runs a fused GEMV, more
 * tokens the shared tiled GEMM, with bit-identical results.
 */
public final class GgmlBlockLinear implements QuantizedLinear {
    /** The single buffer: the blocks of all rows, in ggml's layout. */
    public static final String BLOCKS = "blocks";

    private final DType type;
    private final int rows;
    private final int cols;
    private final RowInterleave layout;
    /** The blocks of all rows, in {@link #layout}. */
    private final MemorySegment blocks;

    private GgmlBlockLinear(DType type, int rows, int cols, RowInterleave layout, MemorySegment blocks) {
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.layout = layout;
        this.blocks = blocks;
    }

    /** Four rows in flight in the GEMV ({@link GgmlGemv}), so four rows' blocks alternate. */
    private static RowInterleave layoutOf(DType type, int rows, int cols) {
        return new RowInterleave(rows, type.bytesFor(cols), GgmlGemv.ROWS, type.blockBytes());
    }

    /** The layer over {@code fileOrder} (ggml's layout), copied into memory the garbage collector frees. */
    private static GgmlBlockLinear fromFileOrder(DType type, int rows, int cols, MemorySegment fileOrder) {
        RowInterleave layout = layoutOf(type, rows, cols);
        return new GgmlBlockLinear(type, rows, cols, layout, layout.interleave(fileOrder, 0, Arena.ofAuto()));
    }

    /** Whether {@link #wrap} and {@link #quantize} handle this type. */
    public static boolean supports(DType type) {
        return type == DType.Q8_0 || type == DType.Q4_0 || type == DType.Q4_1;
    }

    /**
     * The layer of a tensor already stored as Q8_0, Q4_0 or Q4_1 (e.g. mapped from a GGUF file): its blocks are copied
     * once into the interleaved layout (a mapped source is unloaded after), as llama.cpp repacks Q4_0 at load.
     */
    public static GgmlBlockLinear wrap(WeightTensor w) {
        requireType(w.dtype(), w.name());
        return fromFileOrder(w.dtype(), w.rows(), w.cols(), w.data());
    }

    /** {@link #quantize(WeightTensor, DType, Arena)} into memory the garbage collector frees. */
    public static GgmlBlockLinear quantize(WeightTensor w, DType type) {
        return quantize(w, type, Arena.ofAuto());
    }

    /**
     * Quantizes any tensor to {@code type} with llama.cpp's reference rounding (byte-identical blocks), one row at a
     * time into {@code arena}. A tensor already in a block type is widened and quantized again, as llama.cpp's
     * requantization does. NaN or infinite weights are refused: ggml would encode them as garbage blocks. Each row
     * is quantized into a scratch row, which then goes to its places in the interleaved layout.
     */
    public static GgmlBlockLinear quantize(WeightTensor w, DType type, Arena arena) {
        requireType(type, w.name());
        if (w.cols() % type.blockSize() != 0) {
            throw new IllegalArgumentException(w.name() + ": " + type + " needs rows of a multiple of "
                    + type.blockSize() + " weights, got " + w.cols());
        }
        RowInterleave layout = layoutOf(type, w.rows(), w.cols());
        MemorySegment blocks = arena.allocate(layout.byteSize(), 64);
        MemorySegment scratch = MemorySegment.ofArray(new byte[Math.toIntExact(layout.rowBytes())]);
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            w.readRow(r, row, 0);
            for (int i = 0; i < row.length; i++) {
                if (!Float.isFinite(row[i])) {
                    throw new IllegalArgumentException(w.name() + ": weight [" + r + ", " + i + "] is " + row[i]
                            + "; " + type + " cannot encode it");
                }
            }
            switch (type) {
                case Q8_0 -> GgmlQuantizers.quantizeQ8_0(row, 0, row.length, scratch, 0);
                case Q4_0 -> GgmlQuantizers.quantizeQ4_0(row, 0, row.length, scratch, 0);
                default -> GgmlQuantizers.quantizeQ4_1(row, 0, row.length, scratch, 0);
            }
            layout.putRow(scratch, 0, r, blocks);
        }
        return new GgmlBlockLinear(type, w.rows(), w.cols(), layout, blocks);
    }

    /** The layer whose {@link #buffers()} these are, copied in as by {@link #wrap}; the buffer must be exactly the blocks' size. */
    public static GgmlBlockLinear restore(int rows, int cols, DType type, Map<String, MemorySegment> buffers) {
        requireType(type, "restored layer");
        if (rows < 1 || cols < 1 || cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " layer of " + rows + "x" + cols
                    + ": needs positive sizes and a multiple of " + type.blockSize() + " columns");
        }
        MemorySegment blocks = buffers.get(BLOCKS);
        if (blocks == null || buffers.size() != 1) {
            throw new IllegalArgumentException(type + " layer needs exactly the buffer '" + BLOCKS + "', got "
                    + buffers.keySet());
        }
        long expected = Math.multiplyExact(type.bytesFor(cols), (long) rows);
        if (blocks.byteSize() != expected) {
            throw new IllegalArgumentException(type + " layer of " + rows + "x" + cols + " needs " + expected
                    + " bytes of blocks, got " + blocks.byteSize());
        }
        return fromFileOrder(type, rows, cols, blocks);
    }

    private static void requireType(DType type, String what) {
        if (!supports(type)) {
            throw new IllegalArgumentException(what + ": " + type
                    + " is not a ggml 32-weight block type (Q8_0, Q4_0, Q4_1)");
        }
    }

    public DType type() { return type; }

    /** The blocks in ggml's file layout (a copy), e.g. for a GGUF writer. */
    public WeightTensor toTensor(String name) {
        return new WeightTensor(name, type, rows, cols, layout.fileOrder(blocks, Arena.ofAuto()));
    }

    /** Q4_1 only: the minimums {@code m} of blocks {@code [block, block + count)} of {@code row} into {@code dst[off..]}. */
    public void minimums(int row, int block, int count, float[] dst, int off) {
        if (type != DType.Q4_1) {
            throw new IllegalStateException(type + " blocks have no minimum");
        }
        for (int b = 0; b < count; b++) {
            dst[off + b] = Float.float16ToFloat(blocks.get(GgmlBlockDecoder.F16, blockAt(row, block + b) + 2));
        }
    }

    @Override
    public int inFeatures() { return cols; }

    @Override
    public int outFeatures() { return rows; }

    @Override
    public long residentBytes() { return blocks.byteSize(); }

    @Override
    public String format() { return type.name(); }

    @Override
    public double bitsPerWeight() { return type.bitsPerWeight(); }

    /** The blocks in ggml's file layout (a copy), which {@link #restore} takes back. */
    @Override
    public Map<String, MemorySegment> buffers() { return Map.of(BLOCKS, layout.fileOrder(blocks, Arena.ofAuto())); }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        for (int b = 0; b < cols / type.blockSize(); b++) {
            RowDecoders.decode(type, blocks, blockAt(row, b), dst, dstOff + b * type.blockSize(), type.blockSize());
        }
    }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        if (tokens == 1) {
            TiledMatmul.gemv(rows, cols, pool, (o0, n) -> gemvRows(o0, n, in, out));
            return;
        }
        TiledMatmul.forward(rows, cols, (row, col, len, dst, off) -> GgmlBlockDecoder.decode(type, blocks,
                blockAt(row, col / type.blockSize()), layout.chunkStride(row), dst, off, len), in, out, tokens, pool);
    }

    /** Byte offset of block {@code block} of row {@code row}. */
    private long blockAt(int row, int block) {
        return layout.offset(row, (long) block * type.blockBytes());
    }

    private void gemvRows(int o0, int n, float[] in, float[] out) {
        if (GgmlGemv.available()) {
            GgmlGemv.gemv(type, blocks, layout, o0, n, in, cols, out);
        } else {
            for (int r = o0; r < o0 + n; r++) {
                out[r] = GgmlGemv.viaRow(type, blocks, layout, r, in, cols);
            }
        }
    }
}
