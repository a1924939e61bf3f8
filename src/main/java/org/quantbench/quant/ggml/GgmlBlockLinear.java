package org.quantbench.quant.ggml;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.GgmlQuantizers;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * A linear layer in one of llama.cpp's 32-weight block formats (Q8_0, Q4_0, Q4_1), stored in ggml's exact byte
 * layout: each row is {@code cols / 32} consecutive blocks, rows back to back, so a GGUF tensor is used where it was
 * mapped ({@link #wrap}) and a quantized one can be written to a GGUF file as is ({@link #quantize}). The scalar
 * reference is {@link org.quantbench.tensor.GgmlBlocks}; one token runs a fused GEMV, more tokens the shared tiled
 * GEMM, with bit-identical results.
 */
public final class GgmlBlockLinear implements QuantizedLinear {
    /** The single buffer: the blocks of all rows, in ggml's layout. */
    public static final String BLOCKS = "blocks";

    private final DType type;
    private final int rows;
    private final int cols;
    private final long rowBytes;
    private final MemorySegment blocks;

    private GgmlBlockLinear(DType type, int rows, int cols, MemorySegment blocks) {
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.bytesFor(cols);
        this.blocks = blocks;
    }

    /** Whether {@link #wrap} and {@link #quantize} handle this type. */
    public static boolean supports(DType type) {
        return type == DType.Q8_0 || type == DType.Q4_0 || type == DType.Q4_1;
    }

    /** Uses a tensor already stored as Q8_0, Q4_0 or Q4_1 (e.g. mapped from a GGUF file) in place, without a copy. */
    public static GgmlBlockLinear wrap(WeightTensor w) {
        requireType(w.dtype(), w.name());
        return new GgmlBlockLinear(w.dtype(), w.rows(), w.cols(), w.data());
    }

    /** {@link #quantize(WeightTensor, DType, Arena)} into memory the garbage collector frees. */
    public static GgmlBlockLinear quantize(WeightTensor w, DType type) {
        return quantize(w, type, Arena.ofAuto());
    }

    /**
     * Quantizes any tensor to {@code type} with llama.cpp's reference rounding (byte-identical blocks), one row at a
     * time into {@code arena}. A tensor already in a block type is widened and quantized again, as llama.cpp's
     * requantization does. NaN or infinite weights are refused: ggml would encode them as garbage blocks.
     */
    public static GgmlBlockLinear quantize(WeightTensor w, DType type, Arena arena) {
        requireType(type, w.name());
        if (w.cols() % type.blockSize() != 0) {
            throw new IllegalArgumentException(w.name() + ": " + type + " needs rows of a multiple of "
                    + type.blockSize() + " weights, got " + w.cols());
        }
        long rowBytes = type.bytesFor(w.cols());
        MemorySegment blocks = arena.allocate(rowBytes * w.rows(), 64);
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            w.readRow(r, row, 0);
            for (int i = 0; i < row.length; i++) {
                if (!Float.isFinite(row[i])) {
                    throw new IllegalArgumentException(w.name() + ": weight [" + r + ", " + i + "] is " + row[i]
                            + "; " + type + " cannot encode it");
                }
            }
            long at = r * rowBytes;
            switch (type) {
                case Q8_0 -> GgmlQuantizers.quantizeQ8_0(row, 0, row.length, blocks, at);
                case Q4_0 -> GgmlQuantizers.quantizeQ4_0(row, 0, row.length, blocks, at);
                default -> GgmlQuantizers.quantizeQ4_1(row, 0, row.length, blocks, at);
            }
        }
        return new GgmlBlockLinear(type, w.rows(), w.cols(), blocks);
    }

    /** The layer whose {@link #buffers()} these are, used in place; the buffer must be exactly the blocks' size. */
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
        return new GgmlBlockLinear(type, rows, cols, blocks);
    }

    private static void requireType(DType type, String what) {
        if (!supports(type)) {
            throw new IllegalArgumentException(what + ": " + type
                    + " is not a ggml 32-weight block type (Q8_0, Q4_0, Q4_1)");
        }
    }

    public DType type() { return type; }

    /** The blocks as a tensor, e.g. for a GGUF writer. */
    public WeightTensor toTensor(String name) {
        return new WeightTensor(name, type, rows, cols, blocks);
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

    @Override
    public Map<String, MemorySegment> buffers() { return Map.of(BLOCKS, blocks); }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        RowDecoders.decode(type, blocks, row * rowBytes, dst, dstOff, cols);
    }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        if (tokens == 1) {
            TiledMatmul.gemv(rows, cols, pool, (o0, n) -> gemvRows(o0, n, in, out));
            return;
        }
        TiledMatmul.forward(rows, cols, (row, col, len, dst, off) -> GgmlBlockDecoder.decode(type, blocks,
                row * rowBytes + type.bytesFor(col), dst, off, len), in, out, tokens, pool);
    }

    private void gemvRows(int o0, int n, float[] in, float[] out) {
        if (GgmlGemv.available()) {
            GgmlGemv.gemv(type, blocks, rowBytes, o0, n, in, cols, out);
        } else {
            for (int r = o0; r < o0 + n; r++) {
                out[r] = GgmlGemv.viaRow(type, blocks, r * rowBytes, in, cols);
            }
        }
    }
}
