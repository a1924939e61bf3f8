package org.quantbench.model.llama2c;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;
import org.quantbench.model.TensorNames;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.model.tokenizer.Tokenizers;
import org.quantbench.tensor.BoundedReader;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.MappedFile;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A llama2.c checkpoint: seven int32 header fields (dim, hidden, layers, heads, kv heads, vocab, seq len; a
 * negative vocab means a separate classifier follows), then fp32 weights grouped by kind across all layers. Q/K
 * rows are already in the interleaved RoPE order. The tokenizer lives in its own file.
 */
public final class Llama2cCheckpoint implements Checkpoint {
    private static final int MAX_DIM = 1 << 16;
    private static final int MAX_LAYERS = 1024;
    private static final int MAX_VOCAB = 1 << 22;

    private final MappedFile file;
    private final ModelConfig config;
    private final Map<String, WeightTensor> tensors;
    private final Tokenizer tokenizer;

    private Llama2cCheckpoint(MappedFile file, ModelConfig config, Map<String, WeightTensor> tensors, Tokenizer tokenizer) {
        this.file = file;
        this.config = config;
        this.tensors = tensors;
        this.tokenizer = tokenizer;
    }

    /**
     * Opens {@code path}; the tokenizer is {@code tokenizerPath}, or else a {@code tokenizer.bin} or
     * {@code tok<vocab>.bin} beside the checkpoint, or none.
     */
    public static Llama2cCheckpoint open(Path path, Path tokenizerPath) {
        MappedFile file = MappedFile.open(path);
        try {
            BoundedReader in = file.reader(0);
            int dim = field(in, path, "dim", MAX_DIM);
            int hidden = field(in, path, "hidden_dim", MAX_DIM * 4);
            int layers = field(in, path, "n_layers", MAX_LAYERS);
            int heads = field(in, path, "n_heads", MAX_DIM);
            int kvHeads = field(in, path, "n_kv_heads", MAX_DIM);
            int rawVocab = in.i32("vocab_size");
            int seqLen = field(in, path, "seq_len", 1 << 20);
            boolean shared = rawVocab > 0;
            int vocab = Math.abs(rawVocab);
            if (rawVocab == 0 || rawVocab == Integer.MIN_VALUE || vocab > MAX_VOCAB) {
                throw new FileFormatException(path, "vocab_size", "out of range: " + rawVocab);
            }
            if (dim % heads != 0) {
                throw new FileFormatException(path, "n_heads", "dim " + dim + " is not a multiple of n_heads " + heads);
            }
            if (kvHeads > heads || heads % kvHeads != 0) {
                throw new FileFormatException(path, "n_kv_heads", kvHeads + " does not divide n_heads " + heads);
            }
            ModelConfig config;
            try {
                config = new ModelConfig("LlamaForCausalLM", dim, hidden, layers, heads, kvHeads, dim / heads, vocab,
                        seqLen, 1e-5f, 10000f, RopeScaling.NONE, RopeLayout.INTERLEAVED, shared, false);
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(path, "header", e.getMessage());
            }
            Map<String, WeightTensor> tensors = layout(file, config, seqLen, in.position());
            Tokenizer tokenizer = findTokenizer(path, tokenizerPath, vocab);
            return new Llama2cCheckpoint(file, config, tensors, tokenizer);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static int field(BoundedReader in, Path path, String name, int max) {
        int v = in.i32(name);
        if (v <= 0 || v > max) {
            throw new FileFormatException(path, name, "out of range: " + v);
        }
        return v;
    }

    private static Map<String, WeightTensor> layout(MappedFile file, ModelConfig c, int seqLen, long start) {
        Map<String, WeightTensor> t = new LinkedHashMap<>();
        long[] at = {start};
        int layers = c.nLayers();
        int dim = c.dim();
        int kv = c.kvDim();
        int hidden = c.hiddenDim();
        t.put(TensorNames.TOKEN_EMBD, slice(file, at, TensorNames.TOKEN_EMBD, c.vocabSize(), dim));
        perLayer(file, at, t, layers, TensorNames::attnNorm, 1, dim);
        perLayer(file, at, t, layers, TensorNames::attnQ, dim, dim);
        perLayer(file, at, t, layers, TensorNames::attnK, kv, dim);
        perLayer(file, at, t, layers, TensorNames::attnV, kv, dim);
        perLayer(file, at, t, layers, TensorNames::attnOutput, dim, dim);
        perLayer(file, at, t, layers, TensorNames::ffnNorm, 1, dim);
        perLayer(file, at, t, layers, TensorNames::ffnGate, hidden, dim);
        perLayer(file, at, t, layers, TensorNames::ffnDown, dim, hidden);
        perLayer(file, at, t, layers, TensorNames::ffnUp, hidden, dim);
        t.put(TensorNames.OUTPUT_NORM, slice(file, at, TensorNames.OUTPUT_NORM, 1, dim));
        // Legacy RoPE tables (freq_cis_real, freq_cis_imag): skipped, the engine computes its own.
        at[0] += 2L * seqLen * (c.headDim() / 2) * Float.BYTES;
        if (!c.tiedEmbeddings()) {
            t.put(TensorNames.OUTPUT, slice(file, at, "wcls", c.vocabSize(), dim));
        } else if (at[0] > file.size()) {
            throw new FileFormatException(file.path(), "freq_cis", "the header implies " + at[0] + " bytes but the file has "
                    + file.size() + " (truncated?)");
        }
        return t;
    }

    private static void perLayer(MappedFile file, long[] at, Map<String, WeightTensor> t, int layers,
                                 java.util.function.IntFunction<String> name, int rows, int cols) {
        for (int l = 0; l < layers; l++) {
            String n = name.apply(l);
            t.put(n, slice(file, at, n, rows, cols));
        }
    }

    private static WeightTensor slice(MappedFile file, long[] at, String name, int rows, int cols) {
        long bytes = (long) rows * cols * Float.BYTES;
        WeightTensor w = new WeightTensor(name, DType.F32, rows, cols, file.slice(at[0], bytes, name));
        at[0] += bytes;
        return w;
    }

    private static Tokenizer findTokenizer(Path model, Path explicit, int vocab) {
        if (explicit != null) {
            return Tokenizers.fromLlama2cFile(explicit, vocab);
        }
        Path dir = model.toAbsolutePath().getParent();
        for (String candidate : new String[] {"tokenizer.bin", "tok" + vocab + ".bin"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return Tokenizers.fromLlama2cFile(p, vocab);
            }
        }
        return null;
    }

    @Override
    public Path source() { return file.path(); }

    @Override
    public String format() { return "llama2c"; }

    @Override
    public ModelConfig config() { return config; }

    @Override
    public WeightTensor tensor(String name) {
        WeightTensor t = tensors.get(name);
        if (t == null) {
            throw new FileFormatException(file.path(), name, "no such tensor in a llama2.c checkpoint");
        }
        return t;
    }

    @Override
    public boolean hasTensor(String name) { return tensors.containsKey(name); }

    @Override
    public Collection<WeightTensor> tensors() { return tensors.values(); }

    @Override
    public Optional<Tokenizer> tokenizer() { return Optional.ofNullable(tokenizer); }

    @Override
    public long fileBytes() { return file.size(); }

    @Override
    public void close() { file.close(); }
}
