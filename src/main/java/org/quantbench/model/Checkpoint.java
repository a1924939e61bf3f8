package org.quantbench.model;

import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/**
 * An opened model: its config, its tensors under {@link TensorNames} (mapped, never copied to the heap) and,
 * where the format carries one, its tokenizer. Closing it unmaps the files.
 */
public interface Checkpoint extends AutoCloseable {

    /** The file or folder it was opened from. */
    Path source();

    /** "gguf", "safetensors" or "llama2c". */
    String format();

    ModelConfig config();

    /** The tensor with this canonical name; a {@link org.quantbench.tensor.FileFormatException} if it is missing. */
    WeightTensor tensor(String name);

    boolean hasTensor(String name);

    /** Every tensor, in file order. */
    Collection<WeightTensor> tensors();

    /** The tokenizer the checkpoint carries, if any (llama2.c keeps it in a separate file). */
    Optional<Tokenizer> tokenizer();

    /** Bytes of the files on disk. */
    long fileBytes();

    @Override
    void close();
}
