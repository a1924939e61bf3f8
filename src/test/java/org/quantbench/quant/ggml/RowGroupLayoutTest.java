package org.quantbench.quant.ggml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantbench.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RowGroupLayoutTest {
    /** Every block gets its own place, inside the matrix, whole groups interleaved and the tail rows in file order. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 5, 8, 13})
    void placesEveryBlockOnceInsideTheMatrix(int rows) {
        RowGroupLayout layout = new RowGroupLayout(rows, 3, 18);
        Set<Long> seen = new HashSet<>();
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < 3; b++) {
                long at = layout.offset(r, b);
                assertThat(at % 18).isZero();
                assertThat(at).isBetween(0L, rows * layout.rowBytes() - 18);
                assertThat(seen.add(at)).as("row %d block %d", r, b).isTrue();
                assertThat(layout.offset(r, b) - layout.offset(r, 0)).isEqualTo(b * layout.stride(r));
            }
        }
        assertThat(layout.groupedRows()).isEqualTo(rows / 4 * 4);
        if (rows >= 4) {
            // Inside a group: the four rows' block 0 side by side, then their block 1.
            assertThat(layout.offset(1, 0)).isEqualTo(18);
            assertThat(layout.offset(0, 1)).isEqualTo(4 * 18);
        }
        if (rows % 4 != 0) {
            int tail = rows - 1;
            assertThat(layout.offset(tail, 2)).isEqualTo(tail * layout.rowBytes() + 2 * 18);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 7, 13})
    void interleavingAndBackGivesTheFileBytes(int rows) {
        RowGroupLayout layout = new RowGroupLayout(rows, 5, 34);
        byte[] bytes = new byte[(int) (rows * layout.rowBytes())];
        new Random(rows).nextBytes(bytes);
        MemorySegment file = MemorySegment.ofArray(bytes);
        MemorySegment mixed = layout.interleave(file, Arena.ofAuto());
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < 5; b++) {
                assertThat(mixed.asSlice(layout.offset(r, b), 34).toArray(ValueLayout.JAVA_BYTE))
                        .isEqualTo(file.asSlice(r * layout.rowBytes() + b * 34L, 34).toArray(ValueLayout.JAVA_BYTE));
            }
        }
        assertThat(layout.fileOrder(mixed, Arena.ofAuto()).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
    }

    /** A GEMV range may start inside a group (the engine's ranges start on 16-row boundaries, other callers need not). */
    @Test
    void gemvRangesStartingInsideAGroupGiveTheSameRows() {
        for (DType type : new DType[] {DType.Q8_0, DType.Q4_0, DType.Q4_1}) {
            int rows = 13;
            int cols = 96;
            GgmlBlockLinear lin = GgmlBlockLinear.quantize(GgmlBlockLinearTest.gaussian("w", rows, cols, 5), type);
            MemorySegment blocks = lin.toTensor("w").data();
            RowGroupLayout layout = new RowGroupLayout(rows, cols / 32, type.blockBytes());
            MemorySegment mixed = layout.interleave(blocks, Arena.ofAuto());
            float[] x = GgmlBlockLinearTest.activations(1, cols, 9);
            float[] whole = new float[rows];
            float[] parts = new float[rows];
            GgmlGemv.gemv(type, mixed, layout, 0, rows, x, cols, whole);
            GgmlGemv.gemv(type, mixed, layout, 0, 3, x, cols, parts);
            GgmlGemv.gemv(type, mixed, layout, 3, 6, x, cols, parts);
            GgmlGemv.gemv(type, mixed, layout, 9, 4, x, cols, parts);
            assertThat(parts).as("%s", type).containsExactly(whole);
            for (int r = 0; r < rows; r++) {
                assertThat(GgmlGemv.viaRow(type, mixed, layout, r, x, cols)).isEqualTo(whole[r]);
            }
        }
    }
}
