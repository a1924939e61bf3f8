package org.quantbench.export.safetensors;

import org.quantbench.tensor.WeightTensor;

import java.io.IOException;

/**
 * Streams one tensor's bytes into a {@link TensorSink} when the writer reaches it, so no whole tensor (let alone a
 * whole model) has to sit in memory. It must write exactly the entry's byte length.
 */
@FunctionalInterface
public interface TensorContent {

    void writeTo(TensorSink sink) throws IOException;

    /** Fills row {@code row} (cols values) of a matrix; called once per row in order. */
    @FunctionalInterface
    interface RowFiller {
        void fill(int row, float[] values) throws IOException;
    }

    /** Small tensors held as floats (norms, biases, tests). */
    static TensorContent ofFloats(float[] values) {
        return sink -> sink.writeFloats(values, 0, values.length);
    }

    /** A rows x cols tensor produced row by row into one reused buffer. */
    static TensorContent ofRows(int rows, int cols, RowFiller filler) {
        return sink -> {
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                filler.fill(r, row);
                sink.writeFloats(row, 0, cols);
            }
        };
    }

    /** A mapped weight, widened row by row and stored as the entry's float dtype. */
    static TensorContent ofWeight(WeightTensor weight) {
        return ofRows(weight.rows(), weight.cols(), (row, values) -> weight.readRow(row, values, 0));
    }
}
