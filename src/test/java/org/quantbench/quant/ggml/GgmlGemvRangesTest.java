package org.quantbench.quant.ggml;

import org.junit.jupiter.api.Test;
import org.quantbench.quant.RowInterleave;
import org.quantbench.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

class GgmlGemvRangesTest {
    /** A GEMV range may start inside a group (the engine's ranges start on 16-row boundaries, other callers need not). */
    @Test
    void gemvRangesStartingInsideAGroupGiveTheSameRows() {
        for (DType type : new DType[] {DType.Q8_0, DType.Q4_0, DType.Q4_1}) {
            int rows = 13;
            int cols = 96;
            GgmlBlockLinear lin = GgmlBlockLinear.quantize(GgmlBlockLinearTest.gaussian("w", rows, cols, 5), type);
            MemorySegment blocks = lin.toTensor("w").data();
            RowInterleave layout = new RowInterleave(rows, type.bytesFor(cols), GgmlGemv.ROWS, type.blockBytes());
            MemorySegment mixed = layout.interleave(blocks, 0, Arena.ofAuto());
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
