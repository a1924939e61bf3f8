package org.quantbench.engine;

import org.quantbench.tensor.DType;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Re-stores every linear's weights as F32 or BF16 in memory owned by an arena, for running the same model at
 * another weight precision (benchmarks compare FP32 and BF16 weights on one checkpoint).
 */
public final class WideningLinearFactory implements LinearFactory {
    private final DType target;
    private final Arena arena;

    public WideningLinearFactory(DType target, Arena arena) {
        if (target != DType.F32 && target != DType.BF16) {
            throw new IllegalArgumentException("weights can be re-stored as F32 or BF16, not " + target);
        }
        this.target = target;
        this.arena = arena;
    }

    @Override
    public Linear create(String canonicalName, WeightTensor weight) {
        if (weight.dtype() == target) {
            return new DenseLinear(weight);
        }
        int rows = weight.rows();
        int cols = weight.cols();
        MemorySegment data = arena.allocate(target.bytesFor((long) rows * cols), 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            weight.readRow(r, row, 0);
            long base = (long) r * cols;
            if (target == DType.F32) {
                MemorySegment.copy(row, 0, data, ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * base, cols);
            } else {
                for (int i = 0; i < cols; i++) {
                    data.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, base + i, RowDecoders.floatToBf16(row[i]));
                }
            }
        }
        return new DenseLinear(new WeightTensor(canonicalName, target, rows, cols, data));
    }
}
