package org.quantbench.quant;

import org.quantbench.engine.Linear;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * A quantized weight matrix: a {@link Linear} plus its packed layout. Each format owns a scalar reference
 * {@link #dequantizeRow} that its Vector API kernels are tested against, and exposes its packed state as named
 * buffers so the quantized-model cache can store it and the format's {@code restore} can map it back.
 */
public interface QuantizedLinear extends Linear {

    /** Scalar reference: row {@code row} widened to float, exactly the values the kernels multiply by. */
    void dequantizeRow(int row, float[] dst, int dstOff);

    /** Effective bits per weight, scales, zeros and codebooks included. */
    double bitsPerWeight();

    /** The packed state, by buffer name (e.g. "qweight", "scales"); together with the scheme it restores the layer. */
    Map<String, MemorySegment> buffers();
}
