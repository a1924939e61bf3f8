package org.quantbench.quant.intq;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class Int8RowGroupsTest {
    /** Every code gets its own byte inside the matrix; chunks of a group alternate; the rest keeps row-major order. */
    @ParameterizedTest
    @CsvSource({"1, 7", "4, 16", "5, 37", "13, 64", "8, 1", "9, 172"})
    void placesEveryCodeOnce(int rows, int cols) {
        Int8RowGroups layout = new Int8RowGroups(rows, cols);
        Set<Long> seen = new HashSet<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                long at = layout.offset(r, c);
                assertThat(at).isBetween(0L, (long) rows * cols - 1);
                assertThat(seen.add(at)).as("[%d, %d]", r, c).isTrue();
            }
        }
        if (rows >= 4 && cols >= 16) {
            assertThat(layout.offset(1, 0)).isEqualTo(16);
            assertThat(layout.offset(0, 16)).isEqualTo(64);
        }
        if (rows % 4 != 0) {
            assertThat(layout.offset(rows - 1, cols - 1)).isEqualTo((long) rows * cols - 1);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 7", "4, 33", "7, 16", "13, 100"})
    void interleavingAndBackGivesTheRowMajorBytes(int rows, int cols) {
        Int8RowGroups layout = new Int8RowGroups(rows, cols);
        byte[] bytes = new byte[rows * cols];
        new Random(rows * 31L + cols).nextBytes(bytes);
        MemorySegment mixed = layout.interleave(MemorySegment.ofArray(bytes), 8, Arena.ofAuto());
        assertThat(mixed.byteSize()).isEqualTo(rows * cols + 8L);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertThat(mixed.get(ValueLayout.JAVA_BYTE, layout.offset(r, c))).isEqualTo(bytes[r * cols + c]);
            }
        }
        assertThat(layout.rowMajor(mixed, Arena.ofAuto()).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
    }
}
