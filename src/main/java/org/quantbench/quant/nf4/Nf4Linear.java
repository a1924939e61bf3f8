package org.quantbench.quant.nf4;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.RowInterleave;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Set;

/**
 * bitsandbytes' NF4: each block of {@code blockSize} weights (64 by default) stores its absmax {@code a = max|w|} and
 * per weight the code of the {@link Nf4Code} value nearest to {@code w / a}; a weight is {@code value[q] * a}. With
 * double quantization ("NF4-DQ") the absmax values are themselves stored in 8 bits: their mean {@code c} is subtracted
 * and {@code a - c} is quantized with the {@link SignedDynamicCode} in blocks of 256 absmax values, one float32
 * {@code absmax2} each, so {@code a = code8[q8] * absmax2 + c} (float multiply, then add). Codes are always chosen with
 * the exact absmax, as bitsandbytes does.
 * <p>
 * Layout (buffers, little-endian): {@code qweight} = per row {@code ceil(cols/2)} bytes, two codes per byte with the
 * FIRST element in the HIGH nibble (bitsandbytes' order), an odd row's last low nibble 0. Blocks run along each row:
 * row r has {@code ceil(cols/blockSize)} blocks, the last one shorter when blockSize does not divide cols, and block
 * {@code j} of row {@code r} is absmax number {@code r * blocksPerRow + j}. When blockSize divides cols (every real model)
 * this is exactly bitsandbytes' layout over the flattened tensor. {@code absmax} = float32 per block, or with double
 * quantization one code byte per block; then also {@code nested_absmax} = float32 per 256 absmax values (over the
 * flattened absmax array, the last group shorter) and {@code nested_offset} = the float32 {@code c}.
 * <p>
 * Effective bits per weight (the two fixed code tables are constants of the format, not counted):
 * {@code (8 rows ceil(cols/2) + 32 B) / (rows cols)} with {@code B = rows ceil(cols/blockSize)} blocks, i.e. 4 + 32/64
 * = 4.5 at block 64; with double quantization {@code (8 rows ceil(cols/2) + 8 B + 32 ceil(B/256) + 32) / (rows cols)},
 * i.e. 4 + 8/64 + 32/(64*256) + 32/(rows cols), about 4.127.
 * <p>
 * In memory the codes of each two rows alternate in 16-byte chunks ({@link RowInterleave}), so the GEMV's two rows are
 * one stream; {@link #buffers()} and {@link #restore} speak the file layout above.
 */
public final class Nf4Linear implements QuantizedLinear {
    public static final int DEFAULT_BLOCK_SIZE = 64;
    /** Absmax values per double-quantization block. */
    public static final int NESTED_BLOCK_SIZE = 256;
    public static final String QWEIGHT = "qweight";
    public static final String ABSMAX = "absmax";
    public static final String NESTED_ABSMAX = "nested_absmax";
    public static final String NESTED_OFFSET = "nested_offset";
    private static final int MAX_BLOCK_SIZE = 1 << 20;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int rows;
    private final int cols;
    private final int blockSize;
    private final int blocksPerRow;
    private final boolean doubleQuant;
    private final RowInterleave layout;
    /** The codes in {@link #layout}. */
    private final MemorySegment qweight;
    private final MemorySegment absmax;
    private final MemorySegment nestedAbsmax;
    private final MemorySegment nestedOffset;
    private final float offset;

    private Nf4Linear(int rows, int cols, int blockSize, boolean doubleQuant, MemorySegment qweight, MemorySegment absmax,
                      MemorySegment nestedAbsmax, MemorySegment nestedOffset) {
        this.rows = rows;
        this.cols = cols;
        this.blockSize = blockSize;
        this.blocksPerRow = blocksPerRow(cols, blockSize);
        this.doubleQuant = doubleQuant;
        this.layout = layoutOf(rows, cols);
        this.qweight = qweight;
        this.absmax = absmax;
        this.nestedAbsmax = nestedAbsmax;
        this.nestedOffset = nestedOffset;
        this.offset = doubleQuant ? nestedOffset.get(F32, 0) : 0f;
    }

    private static int blocksPerRow(int cols, int blockSize) {
        return (cols + blockSize - 1) / blockSize;
    }

    private static long rowBytes(int cols) {
        return (cols + 1L) / 2;
    }

    private static RowInterleave layoutOf(int rows, int cols) {
        return new RowInterleave(rows, rowBytes(cols), Nf4Kernels.ROWS, Nf4Kernels.CHUNK);
    }

    private static void checkShape(int rows, int cols, int blockSize) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("NF4 layer shape must be positive, got " + rows + "x" + cols);
        }
        if (blockSize < 32 || blockSize > MAX_BLOCK_SIZE || blockSize % 32 != 0) {
            throw new IllegalArgumentException("NF4 block size must be a multiple of 32 from 32 to " + MAX_BLOCK_SIZE
                    + ", got " + blockSize);
        }
        if ((long) rows * blocksPerRow(cols, blockSize) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("NF4 layer " + rows + "x" + cols + " has too many blocks");
        }
    }

    /**
     * Quantizes {@code w} row by row. An all-zero block gets absmax 0 and code {@link Nf4Code#ZERO} throughout.
     *
     * @param blockSize weights per absmax, a multiple of 32 ({@link #DEFAULT_BLOCK_SIZE} = 64 as bitsandbytes)
     * @throws IllegalArgumentException for a bad block size, or if a weight is NaN or infinite
     */
    public static Nf4Linear quantize(WeightTensor w, int blockSize, boolean doubleQuant) {
        int rows = w.rows();
        int cols = w.cols();
        checkShape(rows, cols, blockSize);
        int nb = blocksPerRow(cols, blockSize);
        long rowBytes = rowBytes(cols);
        float[] absmaxes = new float[rows * nb];
        RowInterleave layout = layoutOf(rows, cols);
        MemorySegment qweight = Arena.ofAuto().allocate(layout.byteSize() + Nf4Kernels.CHUNK, 64);
        float[] row = new float[cols];
        byte[] packed = new byte[(int) rowBytes];
        for (int r = 0; r < rows; r++) {
            w.readRow(r, row, 0);
            for (int j = 0; j < nb; j++) {
                int from = j * blockSize;
                int to = Math.min(cols, from + blockSize);
                float a = 0f;
                for (int i = from; i < to; i++) {
                    if (!Float.isFinite(row[i])) {
                        throw new IllegalArgumentException("tensor " + w.name() + " has a non-finite weight " + row[i]
                                + " at row " + r + ", column " + i + "; NF4 quantization needs finite weights");
                    }
                    a = Math.max(a, Math.abs(row[i]));
                }
                absmaxes[r * nb + j] = a;
                for (int i = from; i < to; i++) {
                    int code = a == 0f ? Nf4Code.ZERO : Nf4Code.nearest(row[i] / a);
                    if ((i & 1) == 0) {
                        packed[i >>> 1] = (byte) (code << 4);
                    } else {
                        packed[i >>> 1] |= (byte) code;
                    }
                }
            }
            layout.putRow(MemorySegment.ofArray(packed), 0, r, qweight);
        }
        if (!doubleQuant) {
            MemorySegment absmax = Arena.ofAuto().allocate(4L * absmaxes.length, 64);
            for (int b = 0; b < absmaxes.length; b++) {
                absmax.set(F32, 4L * b, absmaxes[b]);
            }
            return new Nf4Linear(rows, cols, blockSize, false, qweight, absmax, null, null);
        }
        return doubleQuantized(rows, cols, blockSize, qweight, absmaxes);
    }

    /** Second-level quantization of the absmax values: mean-centred, 8-bit dynamic code, blocks of 256. */
    private static Nf4Linear doubleQuantized(int rows, int cols, int blockSize, MemorySegment qweight, float[] absmaxes) {
        double sum = 0;
        for (float a : absmaxes) {
            sum += a;
        }
        float c = (float) (sum / absmaxes.length);
        int groups = (absmaxes.length + NESTED_BLOCK_SIZE - 1) / NESTED_BLOCK_SIZE;
        MemorySegment codes = Arena.ofAuto().allocate(absmaxes.length, 64);
        MemorySegment nested = Arena.ofAuto().allocate(4L * groups, 64);
        MemorySegment offset = Arena.ofAuto().allocate(4, 4);
        offset.set(F32, 0, c);
        for (int g = 0; g < groups; g++) {
            int from = g * NESTED_BLOCK_SIZE;
            int to = Math.min(absmaxes.length, from + NESTED_BLOCK_SIZE);
            float m = 0f;
            for (int b = from; b < to; b++) {
                m = Math.max(m, Math.abs(absmaxes[b] - c));
            }
            nested.set(F32, 4L * g, m);
            for (int b = from; b < to; b++) {
                int q = m == 0f ? SignedDynamicCode.ZERO : SignedDynamicCode.nearest((absmaxes[b] - c) / m);
                codes.set(ValueLayout.JAVA_BYTE, b, (byte) q);
            }
        }
        return new Nf4Linear(rows, cols, blockSize, true, qweight, codes, nested, offset);
    }

    /**
     * The layer over stored buffers ({@link #buffers()} of an earlier layer): the codes copied into the interleaved
     * layout, the absmax buffers used in place.
     *
     * @throws IllegalArgumentException if a buffer is missing, extra or of the wrong size, or a stored float is negative
     *                                  where it must not be, or not finite
     */
    public static Nf4Linear restore(int rows, int cols, int blockSize, boolean doubleQuant, Map<String, MemorySegment> buffers) {
        checkShape(rows, cols, blockSize);
        Set<String> expected = doubleQuant ? Set.of(QWEIGHT, ABSMAX, NESTED_ABSMAX, NESTED_OFFSET) : Set.of(QWEIGHT, ABSMAX);
        if (!buffers.keySet().equals(expected)) {
            throw new IllegalArgumentException("NF4" + (doubleQuant ? "-DQ" : "") + " buffers must be exactly " + expected
                    + "; got " + buffers.keySet());
        }
        long blocks = (long) rows * blocksPerRow(cols, blockSize);
        MemorySegment qweight = layoutOf(rows, cols).interleave(requireSize(buffers, QWEIGHT, rows * rowBytes(cols)),
                Nf4Kernels.CHUNK, Arena.ofAuto());
        if (!doubleQuant) {
            MemorySegment absmax = requireSize(buffers, ABSMAX, 4 * blocks);
            requireFloats(absmax, ABSMAX, true);
            return new Nf4Linear(rows, cols, blockSize, false, qweight, absmax, null, null);
        }
        MemorySegment codes = requireSize(buffers, ABSMAX, blocks);
        MemorySegment nested = requireSize(buffers, NESTED_ABSMAX, 4 * ((blocks + NESTED_BLOCK_SIZE - 1) / NESTED_BLOCK_SIZE));
        MemorySegment offset = requireSize(buffers, NESTED_OFFSET, 4);
        requireFloats(nested, NESTED_ABSMAX, true);
        requireFloats(offset, NESTED_OFFSET, false);
        return new Nf4Linear(rows, cols, blockSize, true, qweight, codes, nested, offset);
    }

    private static MemorySegment requireSize(Map<String, MemorySegment> buffers, String name, long expected) {
        MemorySegment seg = buffers.get(name);
        if (seg == null || seg.byteSize() != expected) {
            throw new IllegalArgumentException("NF4 buffer " + name + " must be " + expected + " bytes, got "
                    + (seg == null ? "none" : seg.byteSize()));
        }
        return seg;
    }

    private static void requireFloats(MemorySegment seg, String name, boolean nonNegative) {
        for (long i = 0; i < seg.byteSize() / 4; i++) {
            float v = seg.get(F32, 4 * i);
            if (!Float.isFinite(v) || (nonNegative && v < 0f)) {
                throw new IllegalArgumentException("NF4 " + name + "[" + i + "] is " + v + " (must be finite"
                        + (nonNegative ? " and >= 0)" : ")"));
            }
        }
    }

    int blockSize() { return blockSize; }

    int blocksPerRow() { return blocksPerRow; }

    RowInterleave layout() { return layout; }

    /** The codes in {@link #layout()}, followed by a chunk of slack for vector loads. */
    MemorySegment qweight() { return qweight; }

    public boolean doubleQuant() { return doubleQuant; }

    /** The absmax of block {@code block} (row-major over rows, then blocks of a row), as the kernels use it. */
    float absmax(long block) {
        if (!doubleQuant) {
            return absmax.get(F32, 4 * block);
        }
        int q = absmax.get(ValueLayout.JAVA_BYTE, block) & 0xFF;
        return SignedDynamicCode.value(q) * nestedAbsmax.get(F32, 4 * (block / NESTED_BLOCK_SIZE)) + offset;
    }

    @Override
    public int inFeatures() { return cols; }

    @Override
    public int outFeatures() { return rows; }

    @Override
    public String format() {
        return doubleQuant ? "NF4-DQ" : "NF4";
    }

    @Override
    public double bitsPerWeight() {
        long blocks = (long) rows * blocksPerRow;
        double bits = 8.0 * layout.byteSize();
        if (doubleQuant) {
            bits += 8.0 * blocks + 32.0 * ((blocks + NESTED_BLOCK_SIZE - 1) / NESTED_BLOCK_SIZE) + 32.0;
        } else {
            bits += 32.0 * blocks;
        }
        return bits / ((double) rows * cols);
    }

    @Override
    public long residentBytes() {
        long bytes = layout.byteSize() + absmax.byteSize();
        return doubleQuant ? bytes + nestedAbsmax.byteSize() + nestedOffset.byteSize() : bytes;
    }

    @Override
    public Map<String, MemorySegment> buffers() {
        MemorySegment codes = layout.fileOrder(qweight, Arena.ofAuto()).asReadOnly();
        if (!doubleQuant) {
            return Map.of(QWEIGHT, codes, ABSMAX, absmax.asReadOnly());
        }
        return Map.of(QWEIGHT, codes, ABSMAX, absmax.asReadOnly(),
                NESTED_ABSMAX, nestedAbsmax.asReadOnly(), NESTED_OFFSET, nestedOffset.asReadOnly());
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        for (int i = 0; i < cols; i++) {
            int b = qweight.get(ValueLayout.JAVA_BYTE, layout.offset(row, i >>> 1));
            int code = (i & 1) == 0 ? (b >>> 4) & 15 : b & 15;
            dst[dstOff + i] = Nf4Code.value(code) * absmax((long) row * blocksPerRow + i / blockSize);
        }
    }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        if (tokens == 1 && Nf4Kernels.FUSED) {
            TiledMatmul.gemv(rows, cols, pool, (o0, n) -> Nf4Kernels.gemv(this, o0, n, in, out));
            return;
        }
        TiledMatmul.forward(rows, cols, (row, col, len, dst, off) -> Nf4Kernels.decode(this, row, col, len, dst, off),
                in, out, tokens, pool);
    }
}
