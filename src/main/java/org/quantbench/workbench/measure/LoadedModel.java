package org.quantbench.workbench.measure;

import org.quantbench.engine.LlamaModel;
import org.quantbench.quant.QuantizedModel;

/** A model ready to run and the quantized weights it holds (null for the weights as stored); closing releases them. */
public record LoadedModel(LlamaModel model, QuantizedModel quantized) implements AutoCloseable {

    /** "as stored" or the scheme's name. */
    public String label() {
        return quantized == null ? "as stored" : quantized.scheme().name();
    }

    @Override
    public void close() {
        if (quantized != null) {
            quantized.close();
        }
    }
}
