package org.quantbench.tensor;

import java.lang.foreign.MemorySegment;

/** llama.cpp's block formats, widened to float exactly as ggml's dequantize_row_* does. */
public final class GgmlBlocks {
    private GgmlBlocks() {}

    public static void decodeQ8_0(MemorySegment src, long offset, float[] dst, int dstOff, int count) { throw new UnsupportedOperationException("in progress"); }
    public static void decodeQ4_0(MemorySegment src, long offset, float[] dst, int dstOff, int count) { throw new UnsupportedOperationException("in progress"); }
    public static void decodeQ4_1(MemorySegment src, long offset, float[] dst, int dstOff, int count) { throw new UnsupportedOperationException("in progress"); }
    public static void decodeQ4_K(MemorySegment src, long offset, float[] dst, int dstOff, int count) { throw new UnsupportedOperationException("in progress"); }
    public static void decodeQ6_K(MemorySegment src, long offset, float[] dst, int dstOff, int count) { throw new UnsupportedOperationException("in progress"); }
}
