package org.quantbench.quant.intq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where each int8 code of a {@code rows x cols} matrix lies while {@link W8A8IntLinear} computes with it: rows are taken
 * in groups of {@link #ROWS}, and inside a group the four rows' codes alternate in chunks of {@link #CHUNK} columns
 * (row 0's columns 0..15, row 1's columns 0..15, ..., row 3's, then row 0's columns 16..31, ...); the columns past the
 * last whole chunk follow, row after row. Rows outside whole groups keep plain row-major order. A group occupies the
 * same bytes as its rows do row-major, so the sizes agree.
 * <p>
 * Why: a decoded token reads every code once from memory, four rows at a time; row-major, that is four streams per
 * thread, which the hardware prefetchers follow badly, interleaved it is one (the same reason as
 * {@code org.quantbench.quant.ggml.RowGroupLayout}; docs/benchmarks.md, session 14).
 */
record Int8RowGroups(int rows, int cols) {
    static final int ROWS = 4;
    static final int CHUNK = 16;

    /** Rows that belong to a whole group. */
    int groupedRows() {
        return rows & ~(ROWS - 1);
    }

    /** Columns in whole chunks: in a group, columns {@code [0, chunkedCols())} alternate, the rest follow per row. */
    int chunkedCols() {
        return cols & ~(CHUNK - 1);
    }

    /** Bytes from one chunk of {@code row} to its next, over its whole chunks. */
    long chunkStride(int row) {
        return row < groupedRows() ? (long) ROWS * CHUNK : CHUNK;
    }

    /** Byte offset of the first code of the group holding rows {@code [row, row + 4)}; {@code row} a multiple of 4. */
    long groupBase(int row) {
        return (long) row * cols;
    }

    /** Byte offset of code {@code [row, col]}. */
    long offset(int row, int col) {
        if (row >= groupedRows()) {
            return (long) row * cols + col;
        }
        long base = groupBase(row & ~(ROWS - 1));
        int k = row & (ROWS - 1);
        int chunked = chunkedCols();
        if (col < chunked) {
            return base + (long) ROWS * (col & ~(CHUNK - 1)) + (long) CHUNK * k + (col & (CHUNK - 1));
        }
        return base + (long) ROWS * chunked + (long) k * (cols - chunked) + (col - chunked);
    }

    /** A copy of row-major {@code codes} in this layout, with {@code slack} bytes after; a mapped source is unloaded. */
    MemorySegment interleave(MemorySegment codes, long slack, Arena arena) {
        MemorySegment out = arena.allocate((long) rows * cols + slack, 64);
        copy(codes, out, true);
        if (codes.isMapped()) {
            codes.unload();
        }
        return out;
    }

    /** A row-major copy of {@code interleaved} (this layout), e.g. to store it. */
    MemorySegment rowMajor(MemorySegment interleaved, Arena arena) {
        MemorySegment out = arena.allocate((long) rows * cols, 64);
        copy(interleaved, out, false);
        return out;
    }

    private void copy(MemorySegment from, MemorySegment to, boolean toInterleaved) {
        int chunked = chunkedCols();
        for (int r = 0; r < groupedRows(); r++) {
            for (int c = 0; c < chunked; c += CHUNK) {
                move(from, to, (long) r * cols + c, offset(r, c), CHUNK, toInterleaved);
            }
            move(from, to, (long) r * cols + chunked, offset(r, chunked), cols - chunked, toInterleaved);
        }
        long tail = (long) groupedRows() * cols;
        MemorySegment.copy(from, tail, to, tail, (long) rows * cols - tail);
    }

    private static void move(MemorySegment from, MemorySegment to, long rowMajor, long mixed, long bytes, boolean toInterleaved) {
        MemorySegment.copy(from, toInterleaved ? rowMajor : mixed, to, toInterleaved ? mixed : rowMajor, bytes);
    }
}
