package org.quantbench.quant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowInterleaveTest {
    /**
     * Every byte gets its own place inside the matrix; in a group the rows' chunks alternate and their last bytes
     * follow row after row; rows outside whole groups keep file order. Shapes: ragged rows, rows shorter than a chunk,
     * chunks of a ggml block (18, 34 bytes), groups of 2 and 4.
     */
    @ParameterizedTest
    @CsvSource({"1, 7, 4, 16", "4, 16, 4, 16", "5, 37, 4, 16", "13, 64, 4, 16", "8, 1, 4, 16", "9, 172, 2, 16",
            "7, 54, 4, 18", "6, 68, 4, 34", "3, 5, 2, 16"})
    void placesEveryByteOnce(int rows, int rowBytes, int group, int chunk) {
        RowInterleave layout = new RowInterleave(rows, rowBytes, group, chunk);
        Set<Long> seen = new HashSet<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < rowBytes; c++) {
                long at = layout.offset(r, c);
                assertThat(at).isBetween(0L, layout.byteSize() - 1);
                assertThat(seen.add(at)).as("row %d byte %d", r, c).isTrue();
            }
            for (long c = chunk; c + chunk <= layout.chunkedBytes(); c += chunk) {
                assertThat(layout.offset(r, c) - layout.offset(r, c - chunk)).isEqualTo(layout.chunkStride(r));
            }
        }
        assertThat(layout.groupedRows()).isEqualTo(rows / group * group);
        if (rows >= group && rowBytes >= 2 * chunk) {
            assertThat(layout.offset(1, 0)).isEqualTo(chunk);
            assertThat(layout.offset(0, chunk)).isEqualTo((long) group * chunk);
        }
        if (rows % group != 0) {
            assertThat(layout.offset(rows - 1, rowBytes - 1)).isEqualTo(layout.byteSize() - 1);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 7, 4, 16", "4, 33, 4, 16", "7, 16, 2, 16", "13, 100, 4, 16", "9, 90, 4, 18"})
    void interleavingAndBackGivesTheFileBytes(int rows, int rowBytes, int group, int chunk) {
        RowInterleave layout = new RowInterleave(rows, rowBytes, group, chunk);
        byte[] bytes = new byte[rows * rowBytes];
        new Random(rows * 31L + rowBytes).nextBytes(bytes);
        MemorySegment mixed = layout.interleave(MemorySegment.ofArray(bytes), 8, Arena.ofAuto());
        assertThat(mixed.byteSize()).isEqualTo(rows * rowBytes + 8L);
        MemorySegment put = Arena.ofAuto().allocate(layout.byteSize());
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < rowBytes; c++) {
                assertThat(mixed.get(ValueLayout.JAVA_BYTE, layout.offset(r, c))).isEqualTo(bytes[r * rowBytes + c]);
            }
            layout.putRow(MemorySegment.ofArray(bytes), (long) r * rowBytes, r, put);
        }
        assertThat(put.mismatch(mixed.asSlice(0, layout.byteSize()))).isEqualTo(-1L);
        assertThat(layout.fileOrder(mixed, Arena.ofAuto()).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
    }

    @Test
    void refusesEmptyShapes() {
        assertThatThrownBy(() -> new RowInterleave(0, 16, 4, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RowInterleave(4, 16, 4, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
