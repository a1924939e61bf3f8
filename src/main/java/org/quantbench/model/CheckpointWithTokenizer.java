package org.quantbench.model;

import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/** A checkpoint whose tokenizer comes from a file the user named instead of from the checkpoint itself. */
record CheckpointWithTokenizer(Checkpoint checkpoint, Tokenizer given) implements Checkpoint {

    @Override
    public Path source() { return checkpoint.source(); }

    @Override
    public String format() { return checkpoint.format(); }

    @Override
    public ModelConfig config() { return checkpoint.config(); }

    @Override
    public WeightTensor tensor(String name) { return checkpoint.tensor(name); }

    @Override
    public boolean hasTensor(String name) { return checkpoint.hasTensor(name); }

    @Override
    public Collection<WeightTensor> tensors() { return checkpoint.tensors(); }

    @Override
    public Optional<Tokenizer> tokenizer() { return Optional.of(given); }

    @Override
    public long fileBytes() { return checkpoint.fileBytes(); }

    @Override
    public void close() { checkpoint.close(); }
}
