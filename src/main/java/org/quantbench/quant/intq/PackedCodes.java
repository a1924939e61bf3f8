package org.quantbench.quant.intq;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The code layout of {@link IntGroupedLinear}: each row is a little-endian bit stream, the b-bit code of column
 * {@code c} in stream bits {@code [c*b, c*b + b)}, stream bit {@code k} being bit {@code k % 8} of the row's byte
 * {@code k / 8}; rows start on a byte, so a row takes {@code ceil(cols * b / 8)} bytes and unused high bits of its
 * last byte are zero. At 8 bits that is one code per byte, at 4 bits two per byte with the even column in the low
 * nibble, at 2 bits four per byte from the low bits up.
 */
final class PackedCodes {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private PackedCodes() {}

    static long rowBytes(int cols, int bits) {
        return ((long) cols * bits + 7) >>> 3;
    }

    /** The code of column {@code col} of the row starting at byte {@code rowBase}. */
    static int get(MemorySegment seg, long rowBase, int col, int bits) {
        long bit = (long) col * bits;
        long at = rowBase + (bit >>> 3);
        int shift = (int) (bit & 7);
        int v = seg.get(BYTE, at) & 0xFF;
        if (shift + bits > 8) {
            v |= (seg.get(BYTE, at + 1) & 0xFF) << 8;
        }
        return (v >>> shift) & ((1 << bits) - 1);
    }

    /** Writes the codes {@code codes[off .. off+cols)} (each below 2^bits) as one row starting at {@code rowBase}. */
    static void putRow(int[] codes, int off, int cols, int bits, MemorySegment seg, long rowBase) {
        long acc = 0;
        int held = 0;
        long at = rowBase;
        for (int c = 0; c < cols; c++) {
            acc |= (long) codes[off + c] << held;
            held += bits;
            while (held >= 8) {
                seg.set(BYTE, at++, (byte) acc);
                acc >>>= 8;
                held -= 8;
            }
        }
        if (held > 0) {
            seg.set(BYTE, at, (byte) acc);
        }
    }
}
