package org.quantbench.export.safetensors;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.hf.CanonicalShapes;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** A checkpoint of random F32 weights held on the heap, for writer tests. */
final class InMemoryCheckpoint implements Checkpoint {
    private final ModelConfig config;
    private final Map<String, WeightTensor> tensors = new LinkedHashMap<>();

    InMemoryCheckpoint(ModelConfig config, long seed) {
        this.config = config;
        SplittableRandom random = new SplittableRandom(seed);
        for (var entry : CanonicalShapes.of(config).entrySet()) {
            List<Long> shape = entry.getValue();
            int rows = shape.size() == 2 ? shape.get(0).intValue() : 1;
            int cols = shape.get(shape.size() - 1).intValue();
            float[] values = new float[rows * cols];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            tensors.put(entry.getKey(), new WeightTensor(entry.getKey(), DType.F32, rows, cols, MemorySegment.ofArray(values)));
        }
    }

    @Override public Path source() { return Path.of("memory"); }
    @Override public String format() { return "memory"; }
    @Override public ModelConfig config() { return config; }
    @Override public WeightTensor tensor(String name) { return tensors.get(name); }
    @Override public boolean hasTensor(String name) { return tensors.containsKey(name); }
    @Override public Collection<WeightTensor> tensors() { return tensors.values(); }
    @Override public Optional<Tokenizer> tokenizer() { return Optional.empty(); }
    @Override public long fileBytes() { return 0; }
    @Override public void close() { }
}
