package org.quantbench.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where the bytes of a packed weight matrix lie while a layer computes with it: rows are taken in groups of
 * {@code groupRows}, and inside a group the rows' bytes alternate in chunks of {@code chunkBytes} (row 0's first chunk,
 * row 1's first chunk, ..., then row 0's second chunk, ...); a row's bytes past its last whole chunk follow the chunks,
 * row after row. Rows outside whole groups keep file order (rows back to back). A group occupies the same bytes as its
 * rows do in file order, so sizes agree and formats keep their file layout for storing and exporting ({@link #fileOrder}).
 * <p>
 * Why: a decoded token reads every weight once from memory, several rows at a time (independent FMA chains). In file
 * order that is one stream per row, which the hardware prefetchers follow badly; interleaved, one stream per group. On
 * a 2-core Zen 5 a 65,536 x 2,048 Q4_0 matrix (75 MB) ran at 37.6 weights/ns four rows interleaved against 15.7 in file
 * order and 20.8 one row at a time; 1B-shape decode went from 30 to 39 tok/s (Q4_0) and from 23 to 32 (W8A8-INT)
 * (docs/benchmarks.md, session 14). llama.cpp repacks Q4_0 for the same reason.
 */
public record RowInterleave(int rows, long rowBytes, int groupRows, int chunkBytes) {
    public RowInterleave {
        if (rows < 1 || rowBytes < 1 || groupRows < 1 || chunkBytes < 1) {
            throw new IllegalArgumentException("interleave of " + rows + " rows of " + rowBytes + " bytes in groups of "
                    + groupRows + " and chunks of " + chunkBytes + " bytes");
        }
    }

    /** Rows that belong to a whole group. */
    public int groupedRows() {
        return rows - rows % groupRows;
    }

    /** Bytes of a row in whole chunks; in a group these alternate, the rest follow per row. */
    public long chunkedBytes() {
        return rowBytes - rowBytes % chunkBytes;
    }

    /** Byte offset of byte {@code at} of row {@code row}. */
    public long offset(int row, long at) {
        if (row >= groupedRows()) {
            return row * rowBytes + at;
        }
        int k = row % groupRows;
        long base = (row - k) * rowBytes;
        long chunked = chunkedBytes();
        if (at < chunked) {
            long chunk = at / chunkBytes;
            return base + (chunk * groupRows + k) * chunkBytes + at % chunkBytes;
        }
        return base + groupRows * chunked + k * (rowBytes - chunked) + (at - chunked);
    }

    /** Bytes from one chunk of {@code row} to its next (over its whole chunks). */
    public long chunkStride(int row) {
        return row < groupedRows() ? (long) groupRows * chunkBytes : chunkBytes;
    }

    /** All bytes of the matrix. */
    public long byteSize() {
        return rows * rowBytes;
    }

    /** Copies one row given in file order ({@code rowBytes} bytes from {@code src[from]}) to its places in {@code dst}. */
    public void putRow(MemorySegment src, long from, int row, MemorySegment dst) {
        move(src, dst, from, row, true);
    }

    /**
     * A copy of {@code fileOrder} in this layout followed by {@code slack} spare bytes (for vector loads that read past
     * their last byte), in {@code arena}. A mapped source is unloaded after the copy: the layer keeps only the copy.
     */
    public MemorySegment interleave(MemorySegment fileOrder, long slack, Arena arena) {
        MemorySegment out = arena.allocate(byteSize() + slack, 64);
        for (int r = 0; r < rows; r++) {
            move(fileOrder, out, r * rowBytes, r, true);
        }
        if (fileOrder.isMapped()) {
            fileOrder.unload();
        }
        return out;
    }

    /** A copy of {@code interleaved} (this layout) in file order, e.g. to store or export it. */
    public MemorySegment fileOrder(MemorySegment interleaved, Arena arena) {
        MemorySegment out = arena.allocate(byteSize(), 64);
        for (int r = 0; r < rows; r++) {
            move(interleaved, out, r * rowBytes, r, false);
        }
        return out;
    }

    /** Moves row {@code row} between file order (from byte {@code fileAt} of {@code file}) and this layout. */
    private void move(MemorySegment from, MemorySegment to, long fileAt, int row, boolean toInterleaved) {
        if (row >= groupedRows()) {
            copy(from, to, fileAt, offset(row, 0), rowBytes, toInterleaved);
            return;
        }
        long chunked = chunkedBytes();
        for (long at = 0; at < chunked; at += chunkBytes) {
            copy(from, to, fileAt + at, offset(row, at), chunkBytes, toInterleaved);
        }
        copy(from, to, fileAt + chunked, offset(row, chunked), rowBytes - chunked, toInterleaved);
    }

    private static void copy(MemorySegment from, MemorySegment to, long file, long mixed, long bytes, boolean toInterleaved) {
        MemorySegment.copy(from, toInterleaved ? file : mixed, to, toInterleaved ? mixed : file, bytes);
    }
}
