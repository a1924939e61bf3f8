package org.quantbench.workbench.measure;

import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.MemoryReport;
import org.quantbench.model.Checkpoint;
import org.quantbench.quant.QuantizedModel;

/**
 * A model ready to run, the quantized weights it holds (null for the weights as stored) and the arithmetic it runs
 * with; closing releases the weights.
 */
public record LoadedModel(LlamaModel model, QuantizedModel quantized, Arithmetic arithmetic) implements AutoCloseable {

    /** A model on the exact float path. */
    public LoadedModel(LlamaModel model, QuantizedModel quantized) {
        this(model, quantized, Arithmetic.EXACT);
    }

    /** The report's arithmetic line. */
    public String arithmeticLine() {
        return "arithmetic: " + arithmetic.description();
    }

    /** "as stored" or the scheme's name. */
    public String label() {
        return quantized == null ? "as stored" : quantized.scheme().name();
    }

    /** The report's memory line: disk, resident weights, bits per weight, peak RSS so far. */
    public String memory(Checkpoint checkpoint) {
        return "memory: " + MemoryReport.of(checkpoint, model, quantized).describe();
    }

    @Override
    public void close() {
        if (quantized != null) {
            quantized.close();
        }
    }
}
