package org.quantbench.quant.intq;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.RowInterleave;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * b-bit integer weights with float activations (W{b}A16), b = 2..8, quantized by an {@link IntQuantizer} per group of
 * input columns. The same layout holds RTN's codes ({@link #quantize}) and GPTQ's ({@link #fromCodes}).
 *
 * <h2>Groups</h2>
 * A row of {@code cols} weights is cut into {@code groupsPerRow = ceil(cols / g)} groups of g consecutive columns
 * ({@link #PER_CHANNEL}: one group per row; a g larger than the row: one group). When g does not divide cols the last
 * group is shorter (the "ragged last group"): it has its own scale and zero point, fitted on its real columns only
 * (the same values auto-round gets by padding it with zeros, since the range always includes 0), stored in the next
 * slot like any other group. Column {@code c} belongs to group {@code c / g}.
 *
 * <h2>Buffers</h2>
 * <ul>
 *   <li>{@code qweight}: the codes, each row a little-endian bit stream starting on a byte, of
 *   {@code ceil(cols * b / 8)} bytes: the code of column c in stream bits {@code [c*b, c*b+b)}, stream bit k = bit
 *   {@code k % 8} of byte {@code k / 8} (8 bits: a byte per code; 4 bits: the even column in the low nibble; 2 bits:
 *   four per byte from the low bits up; 3/5/6/7 bits: densely packed, codes may straddle bytes). Padding bits are 0.
 *   Codes are unsigned, {@code 0 .. 2^b - 1} (symmetric codes too: signed value + {@code 2^(b-1)}).</li>
 *   <li>{@code scales}: float32, native (little-endian) order, {@code [rows][groupsPerRow]} row-major.</li>
 *   <li>{@code zeros}: asymmetric only, one unsigned byte per group, {@code [rows][groupsPerRow]}. Symmetric schemes
 *   store none: every zero point is {@code 2^(b-1)}.</li>
 * </ul>
 * Dequantization is {@code w = scale * (float) (q - zero)} in every path.
 *
 * <h2>Cost</h2>
 * {@link #residentBytes()} = {@code rows * (ceil(cols*b/8) + groupsPerRow * (4 + z))}, z = 1 asymmetric, 0 symmetric;
 * {@link #bitsPerWeight()} = {@code 8 * residentBytes / (rows * cols)}, which is {@code b + (32 + 8z) / g} when g
 * divides cols and {@code cols * b} is a multiple of 8 (W4 g128 asymmetric: {@code 4 + 40/128}).
 *
 * <h2>Kernels</h2>
 * When groups start on vector boundaries (g a multiple of the float lanes, or one group per row) and the float lanes'
 * codes fill whole bytes (always at 256 and 512 bits; even b at 128): one token takes a fused Vector API GEMV (unpack,
 * dequantize and FMA in registers), several tokens {@link TiledMatmul} over a vectorized tile decoder, for every b.
 * Other layouts (and scales below 2^-119) decode rows with the scalar reference and take {@link MatmulKernels#dot} or
 * the same GEMM, as do rows outside whole row groups (below). All paths give the floats of {@link #dequantizeRow} and
 * sum in the canonical order, so outputs do not depend on the number of tokens or threads.
 * <p>
 * In memory the codes of the rows the GEMV takes together (two, or four for block-ordered 4-bit codes in groups of 64
 * or more) alternate in chunks of 32 codes ({@code 4b} bytes; {@link RowInterleave}), so they are one stream;
 * {@link #buffers()} and {@link #restore} speak the layout above.
 * 4-bit codes in whole chunks with groups of whole chunks (every real model: rows and groups multiples of 32) are
 * also reordered inside each chunk to ggml's block order ({@link #blockedNibbles}), which the 16-lane kernels read
 * without a permute.
 */
public final class IntGroupedLinear implements QuantizedLinear {
    /** Group size meaning one group per output row. */
    public static final int PER_CHANNEL = -1;
    /** Codes per chunk of the interleaved layout. */
    private static final int BLOCK = 32;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

    private final int rows;
    private final int cols;
    private final IntQuantizer quantizer;
    private final int groupSize;
    private final RowInterleave layout;
    /** The codes in {@link #layout}, followed by slack for the last vector load. */
    final MemorySegment codes;
    /** Codes of a row in whole chunks ({@link GroupedCodeKernels#at}). */
    final int chunkedCodes;
    final int groupCols;
    final int groups;
    final float[] scales;
    /** One zero point per group; for symmetric quantizers all {@code 2^(b-1)} and not exposed as a buffer. */
    final byte[] zeros;
    private final GroupedCodeKernels.Unpack unpack;
    /**
     * 4-bit codes held in block order: each 16-byte chunk (32 codes) keeps code j in the low nibble of its byte j and
     * code j + 16 in the high nibble, instead of the file order's pairs (codes 2j, 2j + 1 in byte j). Only with 16
     * lanes, rows of whole chunks and groups of whole chunks, so every vector step reads a whole chunk.
     */
    final boolean blockedNibbles;
    /**
     * Symmetric 8-bit codes held as signed bytes, {@code q ^ 0x80 = q - 128}, which the kernels widen straight to
     * {@code (float) (q - zero)}; files keep the unsigned codes.
     */
    final boolean signedBytes;

    private IntGroupedLinear(int rows, int cols, IntQuantizer quantizer, int groupSize, MemorySegment codes,
                             float[] scales, byte[] zeros) {
        this.rows = rows;
        this.cols = cols;
        this.quantizer = quantizer;
        this.groupSize = groupSize;
        this.groupCols = groupColumns(groupSize, cols);
        this.groups = groupsPerRow(groupSize, cols);
        this.layout = layoutOf(rows, cols, quantizer.bits(), groupCols);
        this.codes = codes;
        this.chunkedCodes = (int) (layout.chunkedBytes() * 8 / quantizer.bits());
        this.scales = scales;
        this.zeros = zeros;
        boolean vector = GroupedCodeKernels.supports(quantizer.bits(), groupCols, groups, scales);
        this.unpack = vector ? new GroupedCodeKernels.Unpack(quantizer.bits()) : null;
        this.blockedNibbles = blockedNibbles(quantizer.bits(), cols, groupCols);
        if (blockedNibbles) {
            reorderNibbles(codes, layout.byteSize(), true);
        }
        this.signedBytes = quantizer.bits() == 8 && quantizer.symmetric();
        if (signedBytes) {
            flipSignBits(codes, layout.byteSize());
        }
    }

    /** {@code b ^ 0x80} for every byte of {@code seg[0, size)}: unsigned 8-bit codes to signed and back. */
    private static void flipSignBits(MemorySegment seg, long size) {
        long at = 0;
        for (; at + Long.BYTES <= size; at += Long.BYTES) {
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, at, seg.get(ValueLayout.JAVA_LONG_UNALIGNED, at) ^ 0x8080_8080_8080_8080L);
        }
        for (; at < size; at++) {
            seg.set(ValueLayout.JAVA_BYTE, at, (byte) (seg.get(ValueLayout.JAVA_BYTE, at) ^ 0x80));
        }
    }

    /**
     * Reorders every 16-byte chunk of {@code seg[0, size)} between the file's nibble pairs and block order (see
     * {@link #blockedNibbles}); with rows of whole chunks every 16 bytes of the layout are one row's chunk.
     */
    private static void reorderNibbles(MemorySegment seg, long size, boolean toBlocks) {
        byte[] chunk = new byte[BLOCK / 2];
        int[] q = new int[BLOCK];
        for (long at = 0; at < size; at += chunk.length) {
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, at, chunk, 0, chunk.length);
            for (int j = 0; j < chunk.length; j++) {
                int lo = chunk[j] & 15, hi = (chunk[j] >>> 4) & 15;
                if (toBlocks) {
                    q[2 * j] = lo;
                    q[2 * j + 1] = hi;
                } else {
                    q[j] = lo;
                    q[j + 16] = hi;
                }
            }
            for (int j = 0; j < chunk.length; j++) {
                chunk[j] = (byte) (toBlocks ? q[j] | q[j + 16] << 4 : q[2 * j] | q[2 * j + 1] << 4);
            }
            MemorySegment.copy(chunk, 0, seg, ValueLayout.JAVA_BYTE, at, chunk.length);
        }
    }

    /** Whether codes of this shape are held in block order ({@link #blockedNibbles}). */
    private static boolean blockedNibbles(int bits, int cols, int groupCols) {
        return GroupedCodeKernels.NIBBLE_TABLES && bits == 4 && cols % BLOCK == 0 && groupCols % BLOCK == 0;
    }

    /**
     * Rows in groups of the GEMV's rows in flight (four for block-ordered 4-bit codes in groups of 64 codes or more,
     * else two), their codes alternating in chunks of 32 codes ({@code 4 * bits} bytes).
     */
    private static RowInterleave layoutOf(int rows, int cols, int bits, int groupCols) {
        int group = blockedNibbles(bits, cols, groupCols) && groupCols >= GroupedCodeKernels.QUAD_MIN_GROUP
                ? GroupedCodeKernels.BLOCK_ROWS : GroupedCodeKernels.ROWS;
        return new RowInterleave(rows, PackedCodes.rowBytes(cols, bits), group, 4 * bits);
    }

    /** An empty code buffer for {@code layout}, with slack for the last vector load. */
    private static MemorySegment allocateCodes(RowInterleave layout) {
        return Arena.ofAuto().allocate(layout.byteSize() + GroupedCodeKernels.LOAD_BYTES, 64);
    }

    /**
     * RTN: each group of {@code w} fitted and rounded by {@code quantizer}, streaming one row at a time. NaN or infinite
     * weights are an IllegalArgumentException naming the tensor, row and column.
     *
     * @param groupSize columns per group (>= 1) or {@link #PER_CHANNEL}
     */
    public static IntGroupedLinear quantize(WeightTensor w, IntQuantizer quantizer, int groupSize) {
        int rows = w.rows();
        int cols = w.cols();
        checkShape(rows, cols, groupSize);
        int gc = groupColumns(groupSize, cols);
        int groups = groupsPerRow(groupSize, cols);
        RowInterleave layout = layoutOf(rows, cols, quantizer.bits(), gc);
        MemorySegment codes = allocateCodes(layout);
        MemorySegment scratch = MemorySegment.ofArray(new byte[(int) PackedCodes.rowBytes(cols, quantizer.bits())]);
        float[] scales = new float[groupArrayLength(rows, groups)];
        byte[] zeros = new byte[scales.length];
        float[] row = new float[cols];
        int[] q = new int[cols];
        for (int r = 0; r < rows; r++) {
            w.readRow(r, row, 0);
            for (int c = 0; c < cols; c++) {
                if (!Float.isFinite(row[c])) {
                    throw new IllegalArgumentException(w.name() + ": weight [" + r + ", " + c + "] is " + row[c]
                            + "; integer quantization needs finite weights");
                }
            }
            for (int k = 0; k < groups; k++) {
                int start = k * gc;
                int len = Math.min(gc, cols - start);
                IntGroupParams p;
                try {
                    p = quantizer.fit(row, start, len);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(w.name() + ": row " + r + " group " + k + ": " + e.getMessage(), e);
                }
                scales[r * groups + k] = p.scale();
                zeros[r * groups + k] = (byte) p.zero();
                for (int c = start; c < start + len; c++) {
                    q[c] = quantizer.quantize(row[c], p);
                }
            }
            PackedCodes.putRow(q, 0, cols, quantizer.bits(), scratch, 0);
            layout.putRow(scratch, 0, r, codes);
        }
        return new IntGroupedLinear(rows, cols, quantizer, groupSize, codes, scales, zeros);
    }

    /**
     * A layer from codes computed elsewhere (GPTQ): {@code codes[r*cols + c]} unsigned in {@code [0, 2^b - 1]},
     * {@code scales[r*groupsPerRow + k]} finite, and {@code zeros} likewise per group in {@code [0, 2^b - 1]} for an
     * asymmetric quantizer, null for a symmetric one (its zero point is implied). Arrays are copied.
     */
    public static IntGroupedLinear fromCodes(int rows, int cols, IntQuantizer quantizer, int groupSize, byte[] codes,
                                             float[] scales, int[] zeros) {
        checkShape(rows, cols, groupSize);
        int groups = groupsPerRow(groupSize, cols);
        int n = groupArrayLength(rows, groups);
        requireLength("codes", codes.length, (long) rows * cols);
        requireLength("scales", scales.length, n);
        checkScales(scales);
        byte[] z = zeroPoints(quantizer, n, zeros);
        RowInterleave layout = layoutOf(rows, cols, quantizer.bits(), groupColumns(groupSize, cols));
        MemorySegment packed = allocateCodes(layout);
        MemorySegment scratch = MemorySegment.ofArray(new byte[(int) PackedCodes.rowBytes(cols, quantizer.bits())]);
        int[] row = new int[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int q = codes[r * cols + c] & 0xFF;
                if (q > quantizer.maxCode()) {
                    throw new IllegalArgumentException("code " + q + " at [" + r + ", " + c + "] exceeds " + quantizer.maxCode()
                            + " for " + quantizer.bits() + " bits");
                }
                row[c] = q;
            }
            PackedCodes.putRow(row, 0, cols, quantizer.bits(), scratch, 0);
            layout.putRow(scratch, 0, r, packed);
        }
        return new IntGroupedLinear(rows, cols, quantizer, groupSize, packed, scales.clone(), z);
    }

    /**
     * The layer back from its {@link #buffers()} and scheme. {@code qweight} is copied into the interleaved layout (a
     * mapped segment is unloaded after); scales and zeros are copied. Wrong sizes, a missing or unexpected buffer,
     * non-finite scales or zero points above {@code 2^b - 1} are an IllegalArgumentException.
     */
    public static IntGroupedLinear restore(int rows, int cols, IntQuantizer quantizer, int groupSize,
                                           Map<String, MemorySegment> buffers) {
        checkShape(rows, cols, groupSize);
        int groups = groupsPerRow(groupSize, cols);
        int n = groupArrayLength(rows, groups);
        Set<String> expected = quantizer.symmetric() ? Set.of("qweight", "scales") : Set.of("qweight", "scales", "zeros");
        if (!buffers.keySet().equals(expected)) {
            throw new IllegalArgumentException("expected buffers " + expected + " for " + quantizer.tag() + ", got " + buffers.keySet());
        }
        MemorySegment q = buffers.get("qweight");
        requireLength("qweight", q.byteSize(), rows * PackedCodes.rowBytes(cols, quantizer.bits()));
        q = layoutOf(rows, cols, quantizer.bits(), groupColumns(groupSize, cols))
                .interleave(q, GroupedCodeKernels.LOAD_BYTES, Arena.ofAuto());
        MemorySegment s = buffers.get("scales");
        requireLength("scales", s.byteSize(), 4L * n);
        float[] scales = new float[n];
        MemorySegment.copy(s, F32, 0, scales, 0, n);
        checkScales(scales);
        int[] zeros = null;
        if (!quantizer.symmetric()) {
            MemorySegment zs = buffers.get("zeros");
            requireLength("zeros", zs.byteSize(), n);
            zeros = new int[n];
            for (int i = 0; i < n; i++) {
                zeros[i] = zs.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            }
        }
        return new IntGroupedLinear(rows, cols, quantizer, groupSize, q, scales, zeroPoints(quantizer, n, zeros));
    }

    private static void checkShape(int rows, int cols, int groupSize) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("shape must be at least 1x1, got " + rows + "x" + cols);
        }
        if (groupSize < 1 && groupSize != PER_CHANNEL) {
            throw new IllegalArgumentException("group size must be >= 1 or PER_CHANNEL, got " + groupSize);
        }
    }

    private static int groupColumns(int groupSize, int cols) {
        return groupSize == PER_CHANNEL ? cols : Math.min(groupSize, cols);
    }

    private static int groupsPerRow(int groupSize, int cols) {
        int gc = groupColumns(groupSize, cols);
        return (cols + gc - 1) / gc;
    }

    private static int groupArrayLength(int rows, int groups) {
        long n = (long) rows * groups;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(rows + " rows x " + groups + " groups is too many scales for one array");
        }
        return (int) n;
    }

    private static void requireLength(String what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " has " + actual + " elements/bytes, expected " + expected);
        }
    }

    private static void checkScales(float[] scales) {
        for (int i = 0; i < scales.length; i++) {
            if (!Float.isFinite(scales[i])) {
                throw new IllegalArgumentException("scale " + i + " is " + scales[i]);
            }
        }
    }

    private static byte[] zeroPoints(IntQuantizer quantizer, int n, int[] zeros) {
        byte[] z = new byte[n];
        if (quantizer.symmetric()) {
            if (zeros != null) {
                throw new IllegalArgumentException("a symmetric quantizer takes no zero points (they are " + quantizer.symmetricZero() + ")");
            }
            java.util.Arrays.fill(z, (byte) quantizer.symmetricZero());
            return z;
        }
        if (zeros == null) {
            throw new IllegalArgumentException("an asymmetric quantizer needs zero points");
        }
        requireLength("zeros", zeros.length, n);
        for (int i = 0; i < n; i++) {
            if (zeros[i] < 0 || zeros[i] > quantizer.maxCode()) {
                throw new IllegalArgumentException("zero point " + zeros[i] + " at " + i + " is outside 0.." + quantizer.maxCode());
            }
            z[i] = (byte) zeros[i];
        }
        return z;
    }

    public IntQuantizer quantizer() { return quantizer; }

    /** The group size the layer was made with: columns per group, or {@link #PER_CHANNEL}. */
    public int groupSize() { return groupSize; }

    public int groupsPerRow() { return groups; }

    /** The unsigned code of weight [row, col]. */
    public int code(int row, int col) {
        if (blockedNibbles) {
            int b = codes.get(ValueLayout.JAVA_BYTE, rowStart(row) + (col >>> 5) * chunkStride(row) + (col & 15));
            return (col & 16) == 0 ? b & 15 : (b >>> 4) & 15;
        }
        int q = col < chunkedCodes
                ? PackedCodes.get(codes, layout.offset(row, (long) (col >>> 5) * layout.chunkBytes()), col & 31, quantizer.bits())
                : PackedCodes.get(codes, tailStart(row), col - chunkedCodes, quantizer.bits());
        return signedBytes ? q ^ 0x80 : q;
    }

    /** Byte offset of row {@code row}'s first chunk; its next chunks follow {@link #chunkStride} apart. */
    long rowStart(int row) { return layout.offset(row, 0); }

    /** Byte offset of row {@code row}'s codes past its whole chunks (they lie together). */
    long tailStart(int row) { return layout.offset(row, layout.chunkedBytes()); }

    long chunkStride(int row) { return layout.chunkStride(row); }

    /** Rows the GEMV takes together: a group of the interleaved layout. */
    int layoutRows() { return layout.groupRows(); }

    public float scale(int row, int group) { return scales[row * groups + group]; }

    public int zero(int row, int group) { return zeros[row * groups + group] & 0xFF; }

    @Override
    public int inFeatures() { return cols; }

    @Override
    public int outFeatures() { return rows; }

    /** "W{b}A16-g{g}-{tag}" or "W{b}A16-ch-{tag}", tag one of asym, sym-llmc, sym-autoround. */
    @Override
    public String format() {
        return "W" + quantizer.bits() + "A16-" + (groupSize == PER_CHANNEL ? "ch" : "g" + groupSize) + "-" + quantizer.tag();
    }

    @Override
    public long residentBytes() {
        long perGroup = quantizer.symmetric() ? 4 : 5;
        return layout.byteSize() + (long) rows * groups * perGroup;
    }

    @Override
    public double bitsPerWeight() {
        return 8.0 * residentBytes() / ((double) rows * cols);
    }

    @Override
    public Map<String, MemorySegment> buffers() {
        Map<String, MemorySegment> m = new LinkedHashMap<>();
        MemorySegment file = layout.fileOrder(codes, Arena.ofAuto());
        if (blockedNibbles) {
            reorderNibbles(file, file.byteSize(), false);
        }
        if (signedBytes) {
            flipSignBits(file, file.byteSize());
        }
        m.put("qweight", file.asReadOnly());
        m.put("scales", MemorySegment.ofArray(scales).asReadOnly());
        if (!quantizer.symmetric()) {
            m.put("zeros", MemorySegment.ofArray(zeros).asReadOnly());
        }
        return m;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        decodeScalar(row, 0, cols, dst, dstOff);
    }

    private void decodeScalar(int row, int col, int len, float[] dst, int off) {
        int g0 = row * groups;
        for (int i = 0; i < len; i++) {
            int c = col + i;
            int k = g0 + c / groupCols;
            dst[off + i] = IntQuantizer.dequantize(code(row, c), scales[k], zeros[k] & 0xFF);
        }
    }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        if (tokens == 1) {
            TiledMatmul.gemv(rows, cols, pool, (o0, n) -> gemv(o0, n, in, out));
            return;
        }
        TiledMatmul.forward(rows, cols, this::decodeTile, in, out, tokens, pool);
    }

    /** Rows {@code [o0, o0 + n)}: the pairs of the layout through the vector kernels, other rows widened and dotted. */
    private void gemv(int o0, int n, float[] x, float[] out) {
        int end = o0 + n;
        int r = o0;
        if (unpack != null) {
            int bound = GroupedCodeKernels.vectorBound(cols);
            int step = layout.groupRows();
            int pairedEnd = Math.min(end, layout.groupedRows());
            for (; r < end && r % step != 0; r++) {
                out[r] = widenedDot(r, x);
            }
            for (; r + step <= pairedEnd; r += step) {
                GroupedCodeKernels.gemvRows(this, unpack, r, x, out);
                for (int q = r; q < r + step; q++) {
                    out[q] = addTail(q, bound, x, out[q]);
                }
            }
        }
        for (; r < end; r++) {
            out[r] = widenedDot(r, x);
        }
    }

    private float widenedDot(int row, float[] x) {
        float[] w = rowBuffer();
        decodeTile(row, 0, cols, w, 0);
        return MatmulKernels.dot(w, 0, x, 0, cols);
    }

    /** The canonical scalar tail: {@code s += w[i] * x[i]} for the columns from {@code from} on. */
    private float addTail(int row, int from, float[] x, float s) {
        int g0 = row * groups;
        for (int i = from; i < cols; i++) {
            int k = g0 + i / groupCols;
            s += IntQuantizer.dequantize(code(row, i), scales[k], zeros[k] & 0xFF) * x[i];
        }
        return s;
    }

    private void decodeTile(int row, int col, int len, float[] dst, int off) {
        int done = 0;
        if (unpack != null) {
            done = GroupedCodeKernels.vectorBound(len);
            GroupedCodeKernels.decode(this, unpack, row, col, col + done, dst, off);
        }
        decodeScalar(row, col + done, len - done, dst, off + done);
    }

    private float[] rowBuffer() {
        float[][] holder = ROW.get();
        if (holder[0].length < cols) {
            holder[0] = new float[cols];
        }
        return holder[0];
    }
}
