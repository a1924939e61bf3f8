package org.quantbench.model.hf;

import org.quantbench.model.ModelConfig;
import org.quantbench.model.TensorNames;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tensors a Llama-family model of a given config must have, with their HF shapes ([out, in]; norms 1-D). */
public final class CanonicalShapes {
    private CanonicalShapes() {}

    /** Canonical name -> shape, in model order; {@code output.weight} only when untied, biases only with qkvBias. */
    public static Map<String, List<Long>> of(ModelConfig c) {
        long dim = c.dim();
        long q = c.qDim();
        long kv = c.kvDim();
        long hidden = c.hiddenDim();
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        shapes.put(TensorNames.TOKEN_EMBD, List.of((long) c.vocabSize(), dim));
        for (int l = 0; l < c.nLayers(); l++) {
            shapes.put(TensorNames.attnNorm(l), List.of(dim));
            shapes.put(TensorNames.attnQ(l), List.of(q, dim));
            shapes.put(TensorNames.attnK(l), List.of(kv, dim));
            shapes.put(TensorNames.attnV(l), List.of(kv, dim));
            if (c.qkvBias()) {
                shapes.put(TensorNames.attnQBias(l), List.of(q));
                shapes.put(TensorNames.attnKBias(l), List.of(kv));
                shapes.put(TensorNames.attnVBias(l), List.of(kv));
            }
            shapes.put(TensorNames.attnOutput(l), List.of(dim, q));
            shapes.put(TensorNames.ffnNorm(l), List.of(dim));
            shapes.put(TensorNames.ffnGate(l), List.of(hidden, dim));
            shapes.put(TensorNames.ffnUp(l), List.of(hidden, dim));
            shapes.put(TensorNames.ffnDown(l), List.of(dim, hidden));
        }
        shapes.put(TensorNames.OUTPUT_NORM, List.of(dim));
        if (!c.tiedEmbeddings()) {
            shapes.put(TensorNames.OUTPUT, List.of((long) c.vocabSize(), dim));
        }
        return shapes;
    }
}
