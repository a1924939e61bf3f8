package org.quantbench.export.gguf;

import org.quantbench.export.ExportResult;
import org.quantbench.export.RopeRowOrder;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.TensorNames;
import org.quantbench.model.gguf.GgufCheckpoint;
import org.quantbench.model.gguf.GgufKeys;
import org.quantbench.model.gguf.GgufValue;
import org.quantbench.model.hf.CanonicalShapes;
import org.quantbench.model.tokenizer.TokenType;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.model.tokenizer.VocabularyData;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Writes any opened {@link Checkpoint} as a GGUF v3 file llama.cpp can load: architecture "llama" (Llama,
 * Mistral; Q/K rows in the interleaved RoPE order) or "qwen2" (rotate-half order kept), the hyper-parameters
 * under {@code {arch}.*}, the tokenizer when it has a GGUF form, llama3 RoPE scaling as {@code rope_freqs.weight},
 * and every tensor streamed row by row. Matrices take the chosen dtype, except the output classifier (output.weight,
 * or token_embd when tied), which a 4-bit export keeps at Q8_0; norms and biases stay F32; a matrix whose rows do
 * not split into whole quantization blocks is stored F16, as llama.cpp's converter does.
 */
public final class GgufExporter {
    /** The dtypes a GGUF export can store its matrices as. */
    public static final Set<DType> DTYPES = Collections.unmodifiableSet(
            EnumSet.of(DType.F32, DType.F16, DType.BF16, DType.Q8_0, DType.Q4_0, DType.Q4_1));
    private static final Set<DType> FOUR_BIT = EnumSet.of(DType.Q4_0, DType.Q4_1);
    /** ggml's quantization format version for the Q4_0/Q4_1/Q8_0 block layouts. */
    private static final int QUANTIZATION_VERSION = 2;

    /**
     * @param dtype          the matrices' dtype, one of {@link #DTYPES}
     * @param keepEmbeddings token_embd.weight and output.weight stay F32 whatever {@code dtype} is
     * @param name           general.name
     */
    public record Options(DType dtype, boolean keepEmbeddings, String name) {
        public Options {
            if (!DTYPES.contains(dtype)) {
                throw new IllegalArgumentException("a GGUF export cannot store weights as " + dtype + " (choose one of "
                        + DTYPES + ")");
            }
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("general.name must not be empty");
            }
        }
    }

    private GgufExporter() {}

    /**
     * Writes {@code source} to {@code target} (a file, replaced atomically if it exists).
     *
     * @param tokenizer the tokenizer to embed, or null for none
     * @throws IllegalArgumentException when the target is a folder, the architecture has no GGUF name, or the
     *                                  tokenizer has more tokens than the model's embedding has rows
     */
    public static ExportResult export(Checkpoint source, Tokenizer tokenizer, Path target, Options options)
            throws IOException {
        Path out = target.toAbsolutePath().normalize();
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException(out + " is a folder; a GGUF export needs a file path");
        }
        ModelConfig c = source.config();
        String arch = architecture(c);
        RopeLayout layout = arch.equals("qwen2") ? RopeLayout.HALF : RopeLayout.INTERLEAVED;
        List<String> notes = new ArrayList<>();
        Optional<VocabularyData> vocabulary = vocabulary(tokenizer, c.vocabSize(), notes);

        GgufWriter writer = new GgufWriter()
                .put(GgufKeys.ARCHITECTURE, GgufValue.string(arch))
                .put(GgufKeys.NAME, GgufValue.string(options.name()))
                .put(GgufKeys.FILE_TYPE, GgufValue.uint32(fileType(options.dtype())))
                .put(GgufKeys.QUANTIZATION_VERSION, GgufValue.uint32(QUANTIZATION_VERSION));
        putHyperParameters(writer, arch, c);
        vocabulary.ifPresent(v -> writer.putAll(GgufTokenizerMetadata.of(v)));

        int tensors = 0;
        if (!c.ropeScaling().isNone()) {
            writer.add(ropeFreqs(c));
            tensors++;
        }
        List<String> fallbacks = new ArrayList<>();
        for (Map.Entry<String, List<Long>> entry : CanonicalShapes.of(c).entrySet()) {
            String name = entry.getKey();
            boolean vector = entry.getValue().size() == 1;
            WeightTensor t = source.tensor(name);
            writer.add(vector ? vectorSpec(name, t, c, layout) : matrixSpec(name, t, c, layout, options, fallbacks));
            tensors++;
        }
        if (!fallbacks.isEmpty()) {
            notes.add(fallbacks.size() + " matrices stored as F16: their rows are not a multiple of the "
                    + options.dtype() + " block of " + options.dtype().blockSize() + " (" + summary(fallbacks) + ")");
        }
        Files.createDirectories(out.getParent());
        writer.write(out);
        return new ExportResult(out, List.of(out), tensors, Files.size(out), notes);
    }

    /** The GGUF architecture name llama.cpp knows a HF architecture by. */
    static String architecture(ModelConfig c) {
        return switch (c.architecture()) {
            case "LlamaForCausalLM", "MistralForCausalLM" -> "llama";
            case "Qwen2ForCausalLM" -> "qwen2";
            default -> throw new IllegalArgumentException("no GGUF architecture for " + c.architecture());
        };
    }

    /** llama.cpp's {@code llama_ftype} for a file whose matrices are mostly {@code dtype}. */
    static int fileType(DType dtype) {
        return switch (dtype) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no GGUF file type for " + dtype);
        };
    }

    private static void putHyperParameters(GgufWriter w, String arch, ModelConfig c) {
        w.put(GgufKeys.of(arch, GgufKeys.VOCAB_SIZE), GgufValue.uint32(c.vocabSize()))
                .put(GgufKeys.of(arch, GgufKeys.CONTEXT_LENGTH), GgufValue.uint32(c.maxSeqLen()))
                .put(GgufKeys.of(arch, GgufKeys.EMBEDDING_LENGTH), GgufValue.uint32(c.dim()))
                .put(GgufKeys.of(arch, GgufKeys.BLOCK_COUNT), GgufValue.uint32(c.nLayers()))
                .put(GgufKeys.of(arch, GgufKeys.FEED_FORWARD_LENGTH), GgufValue.uint32(c.hiddenDim()))
                .put(GgufKeys.of(arch, GgufKeys.HEAD_COUNT), GgufValue.uint32(c.nHeads()))
                .put(GgufKeys.of(arch, GgufKeys.HEAD_COUNT_KV), GgufValue.uint32(c.nKvHeads()))
                .put(GgufKeys.of(arch, GgufKeys.RMS_EPS), GgufValue.float32(c.normEps()))
                .put(GgufKeys.of(arch, GgufKeys.ROPE_FREQ_BASE), GgufValue.float32(c.ropeTheta()))
                .put(GgufKeys.of(arch, GgufKeys.ROPE_DIMENSION_COUNT), GgufValue.uint32(c.headDim()));
        if ((long) c.nHeads() * c.headDim() != c.dim()) {
            // Readers assume dim / heads otherwise.
            w.put(GgufKeys.of(arch, GgufKeys.KEY_LENGTH), GgufValue.uint32(c.headDim()))
                    .put(GgufKeys.of(arch, GgufKeys.VALUE_LENGTH), GgufValue.uint32(c.headDim()));
        }
    }

    /**
     * The tokenizer's GGUF data, padded with unused "[PADn]" tokens up to the embedding's rows as llama.cpp's
     * converter pads (readers take the vocabulary size from the token list).
     */
    private static Optional<VocabularyData> vocabulary(Tokenizer tokenizer, int vocabSize, List<String> notes) {
        if (tokenizer == null) {
            notes.add("no tokenizer written: none was given (llama.cpp needs one to load the file)");
            return Optional.empty();
        }
        Optional<VocabularyData> data = tokenizer.vocabulary();
        if (data.isEmpty()) {
            notes.add("no tokenizer written: this " + tokenizer.getClass().getSimpleName()
                    + " cannot be expressed as GGUF tokenizer.ggml.* data without changing its encodings");
            return Optional.empty();
        }
        VocabularyData v = data.get();
        int n = v.tokens().size();
        if (n > vocabSize) {
            throw new IllegalArgumentException("the tokenizer has " + n + " tokens but the model embeds only "
                    + vocabSize);
        }
        if (n == vocabSize) {
            return data;
        }
        notes.add("vocabulary padded from " + n + " to " + vocabSize + " tokens with unused [PADn] entries");
        List<String> tokens = new ArrayList<>(v.tokens());
        for (int id = n; id < vocabSize; id++) {
            tokens.add("[PAD" + id + "]");
        }
        float[] scores = v.scores().length == 0 ? v.scores() : Arrays.copyOf(v.scores(), vocabSize);
        int[] types = v.tokenTypes().length == 0 ? v.tokenTypes() : Arrays.copyOf(v.tokenTypes(), vocabSize);
        if (types.length > 0) {
            Arrays.fill(types, n, vocabSize, TokenType.UNUSED.ordinal());
        }
        return Optional.of(new VocabularyData(v.model(), v.pre(), tokens, scores, types, v.merges(), v.bosId(),
                v.eosId(), v.unkId(), v.padId(), v.addBos(), v.addEos(), v.addSpacePrefix()));
    }

    /** llama3 scaling as llama.cpp keeps it: the divisor of each rotation pair's frequency. */
    private static GgufTensorSpec ropeFreqs(ModelConfig c) {
        float[] divisors = new float[c.headDim() / 2];
        for (int i = 0; i < divisors.length; i++) {
            divisors[i] = (float) c.ropeScaling().frequencyDivisor(c.ropeTheta(), i, c.headDim());
        }
        return GgufTensorSpec.fromFloatRows(GgufCheckpoint.ROPE_FREQS, DType.F32,
                (row, dst) -> System.arraycopy(divisors, 0, dst, 0, divisors.length), divisors.length);
    }

    /** Norms and biases, F32 (bias elements of Q and K reordered like their rows). */
    private static GgufTensorSpec vectorSpec(String name, WeightTensor t, ModelConfig c, RopeLayout layout) {
        float[] stored = t.toFloatArray();
        float[] values = stored;
        if (RopeRowOrder.isRotated(name) && c.ropeLayout() != layout) {
            values = new float[stored.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = stored[RopeRowOrder.sourceIndex(c.ropeLayout(), layout, c.headDim(), i)];
            }
        }
        float[] row = values;
        return GgufTensorSpec.fromFloatRows(name, DType.F32,
                (r, dst) -> System.arraycopy(row, 0, dst, 0, row.length), row.length);
    }

    /** A matrix in its target dtype: rows copied as they are when the dtype is unchanged, else re-encoded. */
    private static GgufTensorSpec matrixSpec(String name, WeightTensor t, ModelConfig c, RopeLayout layout,
                                             Options options, List<String> fallbacks) {
        DType dtype = matrixType(name, t, c, options, fallbacks);
        IntUnaryOperator sourceRow = RopeRowOrder.isRotated(name) && c.ropeLayout() != layout
                ? row -> RopeRowOrder.sourceIndex(c.ropeLayout(), layout, c.headDim(), row)
                : row -> row;
        if (t.dtype() == dtype) {
            long rowBytes = t.rowBytes();
            return GgufTensorSpec.fromEncodedRows(name, dtype, (row, dst) ->
                    MemorySegment.copy(t.data(), sourceRow.applyAsInt(row) * rowBytes, dst, 0, rowBytes), t.cols(), t.rows());
        }
        return GgufTensorSpec.fromFloatRows(name, dtype,
                (row, dst) -> t.readRow(sourceRow.applyAsInt(row), dst, 0), t.cols(), t.rows());
    }

    private static DType matrixType(String name, WeightTensor t, ModelConfig c, Options options, List<String> fallbacks) {
        boolean embedding = name.equals(TensorNames.TOKEN_EMBD) || name.equals(TensorNames.OUTPUT);
        if (embedding && options.keepEmbeddings()) {
            return DType.F32;
        }
        boolean classifier = name.equals(TensorNames.OUTPUT) || name.equals(TensorNames.TOKEN_EMBD) && c.tiedEmbeddings();
        // 4 bits on the classifier costs far more than anywhere else; llama.cpp keeps it at 6 bits or more too.
        DType dtype = classifier && FOUR_BIT.contains(options.dtype()) ? DType.Q8_0 : options.dtype();
        if (t.cols() % dtype.blockSize() != 0) {
            fallbacks.add(name);
            return DType.F16;
        }
        return dtype;
    }

    private static String summary(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", ... " + (names.size() - 3) + " more";
    }
}
