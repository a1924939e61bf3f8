package org.quantbench.quant.aqlm;

import org.quantbench.quant.AqlmScheme;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.ComputePool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Set;

/**
 * AQLM additive quantization: each group of {@link #GROUP} consecutive input columns of a row is the sum of
 * {@code M} codewords, one from each of M learned codebooks of {@code 2^B} entries, times the row's scale:
 * {@code w[r, 8g + j] = s_r * (C_0[b_{r,g,0}][j] + ... + C_{M-1}[b_{r,g,M-1}][j])} (sum over codebooks in order,
 * then the multiply). Schemes: 2x8 (two 256-entry codebooks, fast) and 1x16 (one 65,536-entry codebook).
 * {@code cols} must be a multiple of 8.
 *
 * <h2>Buffers</h2> (little-endian, the layout of AQLM's Hugging Face checkpoints with unsigned codes)
 * <ul>
 *   <li>{@code codes}: {@code [rows][cols/8][M]}, one byte per code at B = 8, an unsigned 16-bit word at B = 16.</li>
 *   <li>{@code codebooks}: float16 {@code [M][2^B][8]}.</li>
 *   <li>{@code scales}: float16 {@code [rows]}.</li>
 * </ul>
 * Bits per weight are the formula {@code (rows*cols/8*M*B + M*2^B*8*16 + rows*16) / (rows*cols)}, which is exactly
 * {@code 8 * residentBytes() / (rows*cols)}: 2 bits of codes plus the amortized codebooks and scales.
 *
 * <h2>Summation order</h2>
 * The kernels do not multiply by dequantized weights: a group's contribution to an output is a dot product of
 * codewords with the 8 activations of the group, which a lookup table can hold for every codeword. So the order
 * is defined per group, the same in every path (see {@link AqlmKernels}): {@code d_m = fma(c[7], x[7], ...
 * fma(c[0], x[0], 0))} per codebook, {@code p = d_0 + d_1 + ...}, the row sum {@code a += p} over groups in order
 * from 0, and {@code y = s * a}. The GEMV and the GEMM follow it lane by lane, so a token's outputs do not depend
 * on the batch or the thread count, and {@link #dequantizeRow} then a matmul agrees with it to rounding.
 */
public final class AqlmLinear implements QuantizedLinear {
    /** Input columns per group. */
    public static final int GROUP = 8;
    public static final String CODES = "codes";
    public static final String CODEBOOKS = "codebooks";
    public static final String SCALES = "scales";
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final int rows;
    final int cols;
    final int groups;
    /** Codebooks (M) and entries per codebook (2^B). */
    final int books;
    final int entries;
    private final int bits;
    private final AqlmScheme scheme;
    final MemorySegment codes;
    private final MemorySegment codebooksF16;
    private final MemorySegment scalesF16;
    /**
     * The widened codebooks, {@code [m][k][j]}, and for lookup tables transposed, {@code [m][j][k]} (lanes over
     * codewords; null for 1x16, whose table would be larger than the weights).
     */
    final float[] codebook;
    final float[] codebookT;
    final float[] scales;

    private AqlmLinear(AqlmScheme scheme, int rows, int cols, MemorySegment codes, MemorySegment codebooksF16,
                       MemorySegment scalesF16) {
        this.scheme = scheme;
        this.rows = rows;
        this.cols = cols;
        this.groups = cols / GROUP;
        this.books = scheme.codebooks();
        this.bits = scheme.codebookBits();
        this.entries = 1 << bits;
        this.codes = codes;
        this.codebooksF16 = codebooksF16;
        this.scalesF16 = scalesF16;
        this.codebook = new float[books * entries * GROUP];
        this.codebookT = entries <= AqlmKernels.LUT_MAX_ENTRIES ? new float[codebook.length] : null;
        for (int i = 0; i < codebook.length; i++) {
            codebook[i] = Float.float16ToFloat(codebooksF16.getAtIndex(F16, i));
            if (!Float.isFinite(codebook[i])) {
                throw new IllegalArgumentException("AQLM codebook value " + i + " is " + codebook[i]);
            }
        }
        for (int m = 0; codebookT != null && m < books; m++) {
            for (int k = 0; k < entries; k++) {
                for (int j = 0; j < GROUP; j++) {
                    codebookT[(m * GROUP + j) * entries + k] = codebook[(m * entries + k) * GROUP + j];
                }
            }
        }
        this.scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            scales[r] = Float.float16ToFloat(scalesF16.getAtIndex(F16, r));
            if (!Float.isFinite(scales[r])) {
                throw new IllegalArgumentException("AQLM scale of row " + r + " is " + scales[r]);
            }
        }
    }

    static void checkShape(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("AQLM layer shape must be positive, got " + rows + "x" + cols);
        }
        if (cols % GROUP != 0) {
            throw new IllegalArgumentException("AQLM needs input columns in groups of " + GROUP + "; " + cols
                    + " is not a multiple of " + GROUP);
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("AQLM layer " + rows + "x" + cols + " is too large");
        }
    }

    private static long codeBytes(AqlmScheme scheme, int rows, int cols) {
        return (long) rows * (cols / GROUP) * scheme.codebooks() * (scheme.codebookBits() / 8);
    }

    private static long codebookBytes(AqlmScheme scheme) {
        return 2L * scheme.codebooks() * (1 << scheme.codebookBits()) * GROUP;
    }

    /**
     * The layer from its parts, packed into buffers; float values are rounded to float16 (the quantizer keeps them
     * float16-exact, so this is lossless for its output).
     *
     * @param codes     {@code [rows][cols/8][M]} codes in {@code [0, 2^B)}
     * @param codebooks {@code [M][2^B][8]}
     * @param scales    {@code [rows]}
     */
    public static AqlmLinear of(AqlmScheme scheme, int rows, int cols, int[] codes, float[] codebooks, float[] scales) {
        checkShape(rows, cols);
        int m = scheme.codebooks();
        int k = 1 << scheme.codebookBits();
        if (codes.length != rows * (cols / GROUP) * m || codebooks.length != m * k * GROUP || scales.length != rows) {
            throw new IllegalArgumentException("AQLM parts of a " + rows + "x" + cols + " " + scheme.name()
                    + " layer have the wrong lengths: codes " + codes.length + ", codebooks " + codebooks.length
                    + ", scales " + scales.length);
        }
        MemorySegment c = Arena.ofAuto().allocate(codeBytes(scheme, rows, cols), 64);
        boolean wide = scheme.codebookBits() == 16;
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0 || codes[i] >= k) {
                throw new IllegalArgumentException("AQLM code " + codes[i] + " at " + i + " is outside [0, " + k + ")");
            }
            if (wide) {
                c.setAtIndex(F16, i, (short) codes[i]);
            } else {
                c.set(ValueLayout.JAVA_BYTE, i, (byte) codes[i]);
            }
        }
        return new AqlmLinear(scheme, rows, cols, c, halves(codebooks), halves(scales));
    }

    private static MemorySegment halves(float[] v) {
        MemorySegment seg = Arena.ofAuto().allocate(2L * v.length, 64);
        for (int i = 0; i < v.length; i++) {
            seg.setAtIndex(F16, i, Float.floatToFloat16(v[i]));
        }
        return seg;
    }

    /**
     * The layer over stored buffers ({@link #buffers()} of an earlier layer); codes are used in place.
     *
     * @throws IllegalArgumentException if a buffer is missing, extra or of the wrong size, or a codebook value or a
     *                                  scale is not finite
     */
    public static AqlmLinear restore(int rows, int cols, AqlmScheme scheme, Map<String, MemorySegment> buffers) {
        checkShape(rows, cols);
        Set<String> expected = Set.of(CODES, CODEBOOKS, SCALES);
        if (!buffers.keySet().equals(expected)) {
            throw new IllegalArgumentException(scheme.name() + " buffers must be exactly " + expected + "; got "
                    + buffers.keySet());
        }
        return new AqlmLinear(scheme, rows, cols, requireSize(buffers, CODES, codeBytes(scheme, rows, cols)),
                requireSize(buffers, CODEBOOKS, codebookBytes(scheme)), requireSize(buffers, SCALES, 2L * rows));
    }

    private static MemorySegment requireSize(Map<String, MemorySegment> buffers, String name, long expected) {
        MemorySegment seg = buffers.get(name);
        if (seg == null || seg.byteSize() != expected) {
            throw new IllegalArgumentException("AQLM buffer " + name + " must be " + expected + " bytes, got "
                    + (seg == null ? "none" : seg.byteSize()));
        }
        return seg;
    }

    public AqlmScheme scheme() { return scheme; }

    /** Code {@code m} of group {@code g} of row {@code r}. */
    int code(int r, int g, int m) {
        long i = ((long) r * groups + g) * books + m;
        return bits == 8 ? codes.get(ValueLayout.JAVA_BYTE, i) & 0xFF : codes.getAtIndex(F16, i) & 0xFFFF;
    }

    @Override
    public int inFeatures() { return cols; }

    @Override
    public int outFeatures() { return rows; }

    @Override
    public String format() { return scheme.name(); }

    @Override
    public double bitsPerWeight() {
        double bitsTotal = (double) rows * cols / GROUP * books * bits + (double) books * entries * GROUP * 16 + rows * 16.0;
        return bitsTotal / ((double) rows * cols);
    }

    @Override
    public long residentBytes() {
        return codes.byteSize() + codebooksF16.byteSize() + scalesF16.byteSize();
    }

    @Override
    public Map<String, MemorySegment> buffers() {
        return Map.of(CODES, codes.asReadOnly(), CODEBOOKS, codebooksF16.asReadOnly(), SCALES, scalesF16.asReadOnly());
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        float s = scales[row];
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < GROUP; j++) {
                float v = codebook[code(row, g, 0) * GROUP + j];
                for (int m = 1; m < books; m++) {
                    v += codebook[(m * entries + code(row, g, m)) * GROUP + j];
                }
                dst[dstOff + g * GROUP + j] = s * v;
            }
        }
    }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        AqlmKernels.forward(this, in, out, tokens, pool);
    }
}
