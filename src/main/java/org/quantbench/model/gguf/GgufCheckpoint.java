package org.quantbench.model.gguf;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.model.tokenizer.Tokenizers;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A llama.cpp GGUF model of architecture "llama" (also Mistral, SmolLM, TinyLlama conversions) or "qwen2". The
 * config comes from the {@code {arch}.*} metadata; every tensor the config needs is checked for presence, shape
 * and a decodable type at {@link #open}. GGUF llama files keep Q/K rows in the interleaved RoPE order; qwen2 files
 * keep HF's rotate-half order.
 */
public final class GgufCheckpoint implements Checkpoint {
    /** Llama 3.x conversions bake their RoPE scaling into this F32 tensor of per-frequency divisors. */
    public static final String ROPE_FREQS = "rope_freqs.weight";

    private final GgufFile file;
    private final ModelConfig config;
    private Optional<Tokenizer> tokenizer;

    private GgufCheckpoint(GgufFile file, ModelConfig config) {
        this.file = file;
        this.config = config;
    }

    public static GgufCheckpoint open(Path path) {
        GgufFile file = GgufFile.open(path);
        try {
            for (GgufTensorInfo info : file.tensorInfos()) {
                file.tensor(info.name()); // every tensor decodable, so tensors() cannot fail later
            }
            ModelConfig config = GgufModelConfig.read(file);
            GgufModelConfig.checkTensors(file, config);
            return new GgufCheckpoint(file, config);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The underlying file, for its metadata. */
    public GgufFile file() { return file; }

    @Override
    public Path source() { return file.path(); }

    @Override
    public String format() { return "gguf"; }

    @Override
    public ModelConfig config() { return config; }

    @Override
    public WeightTensor tensor(String name) { return file.tensor(name); }

    @Override
    public boolean hasTensor(String name) { return file.hasTensor(name); }

    @Override
    public Collection<WeightTensor> tensors() {
        List<WeightTensor> all = new ArrayList<>(file.tensorInfos().size());
        for (GgufTensorInfo info : file.tensorInfos()) {
            all.add(file.tensor(info.name()));
        }
        return all;
    }

    /** Built on first use from the {@code tokenizer.ggml.*} metadata. */
    @Override
    public synchronized Optional<Tokenizer> tokenizer() {
        if (tokenizer == null) {
            tokenizer = file.hasVocabulary() ? Optional.of(Tokenizers.fromVocabulary(file.vocabulary(), file.path())) : Optional.empty();
        }
        return tokenizer;
    }

    @Override
    public long fileBytes() { return file.fileSize(); }

    @Override
    public void close() { file.close(); }
}
