package org.quantbench.quant.ggml;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where each 32-weight block of a ggml matrix lies in memory while QuantBench computes with it: rows are taken in
 * groups of {@link #ROWS}, and inside a group the blocks of its rows alternate (row 0's block 0, row 1's block 0, ...,
 * row 3's block 0, row 0's block 1, ...). A group occupies the same bytes as its rows do in ggml's file layout, and
 * the last {@code rows % 4} rows stay as they are there, so the sizes agree and only the order inside a group changes.
 * <p>
 * Why: a decoded token reads every weight once from memory, four rows at a time (four independent FMA chains). In
 * the file layout that is four short streams, which the hardware prefetchers follow badly; interleaved, it is one
 * stream. On a 2-core Zen 5 a 65,536 x 2,048 Q4_0 matrix (75 MB) ran at 37.6 weights/ns interleaved against 15.7 in
 * file order and 20.8 one row at a time (docs/benchmarks.md, session 14). llama.cpp repacks Q4_0 for the same
 * reason.
 */
record RowGroupLayout(int rows, int blocksPerRow, long blockBytes) {
    /** Rows whose blocks alternate. */
    static final int ROWS = 4;

    long rowBytes() {
        return blocksPerRow * blockBytes;
    }

    /** Rows that belong to a whole group; the rest keep the file layout. */
    int groupedRows() {
        return rows & ~(ROWS - 1);
    }

    /** Byte offset of block {@code block} of row {@code row}. */
    long offset(int row, int block) {
        if (row < groupedRows()) {
            return (row & ~(ROWS - 1)) * rowBytes() + ((long) block * ROWS + (row & (ROWS - 1))) * blockBytes;
        }
        return row * rowBytes() + block * blockBytes;
    }

    /** Bytes from one block of {@code row} to its next. */
    long stride(int row) {
        return row < groupedRows() ? ROWS * blockBytes : blockBytes;
    }

    /**
     * A copy of {@code fileOrder} (ggml's layout: each row's blocks back to back) in this layout, in {@code arena}. A
     * mapped source is unloaded after the copy: the layer keeps only the copy, so the file's pages need not stay
     * resident.
     */
    MemorySegment interleave(MemorySegment fileOrder, Arena arena) {
        MemorySegment out = arena.allocate(rows * rowBytes(), 64);
        copyBlocks(fileOrder, out, true);
        if (fileOrder.isMapped()) {
            fileOrder.unload();
        }
        return out;
    }

    /** A copy of {@code interleaved} (this layout) in ggml's file layout, e.g. to store or export it. */
    MemorySegment fileOrder(MemorySegment interleaved, Arena arena) {
        MemorySegment out = arena.allocate(rows * rowBytes(), 64);
        copyBlocks(interleaved, out, false);
        return out;
    }

    private void copyBlocks(MemorySegment from, MemorySegment to, boolean toInterleaved) {
        int grouped = groupedRows();
        for (int r = 0; r < grouped; r++) {
            for (int b = 0; b < blocksPerRow; b++) {
                long file = r * rowBytes() + b * blockBytes;
                long mixed = offset(r, b);
                MemorySegment.copy(from, toInterleaved ? file : mixed, to, toInterleaved ? mixed : file, blockBytes);
            }
        }
        long tail = grouped * rowBytes();
        MemorySegment.copy(from, tail, to, tail, rows * rowBytes() - tail);
    }
}
