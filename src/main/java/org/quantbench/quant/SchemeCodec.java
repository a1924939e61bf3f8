package org.quantbench.quant;

import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/** Quantizes the linears of a model under one scheme, and restores them from the cache's buffers. */
public interface SchemeCodec {

    QuantizedLinear quantize(WeightTensor weight);

    QuantizedLinear restore(int rows, int cols, Map<String, MemorySegment> buffers);
}
