package org.quantbench.export;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.export.gguf.GgufExporter;
import org.quantbench.export.safetensors.SafetensorsExporter;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.TensorNames;
import org.quantbench.model.gguf.GgufCheckpoint;
import org.quantbench.model.gguf.GgufKeys;
import org.quantbench.model.hf.CanonicalShapes;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.GgmlQuantizers;
import org.quantbench.tensor.RowDecoders;
import org.quantbench.tensor.WeightTensor;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Converting checkpoints between formats keeps the model: stories260K (llama2.c) as a HF folder and as GGUF gives
 * the same logits, a BF16 folder holds the bf16-rounded weights, and SmolLM2 re-quantized to Q8_0 stays within
 * 8-bit quantization noise. Failed or refused exports leave nothing under the target name.
 */
class CheckpointConversionTest {
    private static final String STORIES = "models/stories260K/";
    private static final String SMOLLM2 = "models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf";
    private static final String PROMPT = "Once upon a time, there was a little girl";

    private static ComputePool pool;

    @BeforeAll
    static void startPool() {
        pool = new ComputePool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    private static Checkpoint stories() {
        return CheckpointLoader.open(SharedData.require(STORIES + "stories260K.bin"), SharedData.require(STORIES + "tok512.bin"));
    }

    @Test
    void stories260KAsHfFolderAndAsGgufGivesTheSameLogits(@TempDir Path dir) throws IOException {
        Path tok = SharedData.require(STORIES + "tok512.bin");
        Path hf = dir.resolve("stories-hf");
        Path gguf = dir.resolve("stories.gguf");
        try (Checkpoint original = stories()) {
            Tokenizer tokenizer = original.tokenizer().orElseThrow();
            ExportResult folder = SafetensorsExporter.export(original, tokenizer, hf, DType.F32, 1L << 30);
            assertThat(folder.files()).extracting(p -> p.getFileName().toString())
                    .containsExactly("config.json", "model.safetensors");
            assertThat(folder.tensors()).isEqualTo(47);
            ExportResult file = GgufExporter.export(original, tokenizer, gguf,
                    new GgufExporter.Options(DType.F32, false, "stories260K"));
            assertThat(file.files()).containsExactly(gguf.toAbsolutePath());
            assertThat(file.bytes()).isEqualTo(Files.size(gguf));
            assertThat(file.notes()).isEmpty();

            int[] ids = tokenizer.encodeForModel(PROMPT);
            int[] tokens = Arrays.copyOf(ids, Math.min(16, ids.length));
            assertThat(tokens.length).isGreaterThan(8);
            float[][] expected = logits(original, tokens);
            try (Checkpoint fromHf = CheckpointLoader.open(hf, tok); Checkpoint fromGguf = CheckpointLoader.open(gguf, null)) {
                assertThat(fromHf.config().ropeLayout()).isEqualTo(RopeLayout.HALF);
                assertThat(fromGguf.config().ropeLayout()).isEqualTo(RopeLayout.INTERLEAVED);
                assertThat(sameShape(fromHf.config(), original.config())).isTrue();
                assertThat(sameShape(fromGguf.config(), original.config())).isTrue();
                assertClose(logits(fromHf, tokens), expected, 1e-4);
                assertClose(logits(fromGguf, tokens), expected, 1e-4);

                Tokenizer embedded = fromGguf.tokenizer().orElseThrow();
                for (String text : List.of(PROMPT, "", "Lily and Ben went to the park. \"Look!\" she said.", "日本 ✓ 123")) {
                    assertThat(embedded.encodeForModel(text)).as(text).containsExactly(tokenizer.encodeForModel(text));
                }
                var meta = ((GgufCheckpoint) fromGguf).file();
                assertThat(meta.getString(GgufKeys.ARCHITECTURE)).isEqualTo("llama");
                assertThat(meta.getInt(GgufKeys.FILE_TYPE)).isZero();
                assertThat(meta.getString(GgufKeys.TOKENIZER_MODEL)).isEqualTo("llama");
                assertThat(meta.getInt("llama.rope.dimension_count")).isEqualTo(8);
            }
        }
    }

    @Test
    void hfFolderBackToGgufRestoresTheInterleavedRowsBitForBit(@TempDir Path dir) throws IOException {
        Path hf = dir.resolve("hf");
        Path gguf = dir.resolve("back.gguf");
        try (Checkpoint original = stories()) {
            SafetensorsExporter.export(original, null, hf, DType.F32, 1L << 30);
            try (Checkpoint fromHf = CheckpointLoader.open(hf, null)) {
                ExportResult result = GgufExporter.export(fromHf, original.tokenizer().orElseThrow(), gguf,
                        new GgufExporter.Options(DType.F32, false, "roundtrip"));
                assertThat(result.tensors()).isEqualTo(47);
            }
            try (Checkpoint back = CheckpointLoader.open(gguf, null)) {
                for (String name : CanonicalShapes.of(original.config()).keySet()) {
                    assertThat(back.tensor(name).toFloatArray()).as(name).containsExactly(original.tensor(name).toFloatArray());
                }
            }
        }
    }

    @Test
    void bf16FolderHoldsTheBf16RoundingOfEveryWeight(@TempDir Path dir) throws IOException {
        Path hf = dir.resolve("bf16");
        try (Checkpoint original = stories()) {
            SafetensorsExporter.export(original, null, hf, DType.BF16, 1L << 30);
            assertThat(Files.readString(hf.resolve("config.json"))).contains("\"torch_dtype\" : \"bfloat16\"");
            ModelConfig c = original.config();
            try (Checkpoint copy = CheckpointLoader.open(hf, null)) {
                for (String name : CanonicalShapes.of(c).keySet()) {
                    WeightTensor stored = copy.tensor(name);
                    WeightTensor source = original.tensor(name);
                    assertThat(stored.dtype()).isEqualTo(DType.BF16);
                    float[] row = new float[source.cols()];
                    float[] storedRow = new float[source.cols()];
                    for (int r = 0; r < source.rows(); r++) {
                        int from = name.endsWith("attn_q.weight") || name.endsWith("attn_k.weight")
                                ? RopeRowOrder.sourceIndex(RopeLayout.INTERLEAVED, RopeLayout.HALF, c.headDim(), r) : r;
                        source.readRow(from, row, 0);
                        stored.readRow(r, storedRow, 0);
                        for (int i = 0; i < row.length; i++) {
                            row[i] = RowDecoders.bf16ToFloat(RowDecoders.floatToBf16(row[i]));
                        }
                        assertThat(storedRow).as("%s row %d", name, r).containsExactly(row);
                    }
                }
            }
        }
    }

    @Test
    void smolLm2RequantizedToQ8_0StaysWithinQuantizationNoise(@TempDir Path dir) throws IOException {
        Path q8 = dir.resolve("smollm2-q8_0.gguf");
        try (Checkpoint original = CheckpointLoader.open(SharedData.require(SMOLLM2), null)) {
            Tokenizer tokenizer = original.tokenizer().orElseThrow();
            ExportResult result = GgufExporter.export(original, tokenizer, q8,
                    new GgufExporter.Options(DType.Q8_0, false, "SmolLM2-135M-Instruct"));
            assertThat(result.tensors()).isEqualTo(original.tensors().size());
            assertThat(result.notes()).isEmpty();
            try (Checkpoint copy = CheckpointLoader.open(q8, null)) {
                assertThat(copy.tensors()).filteredOn(t -> t.rows() > 1).allSatisfy(t -> assertThat(t.dtype()).isEqualTo(DType.Q8_0));
                assertThat(copy.tensor(TensorNames.OUTPUT_NORM).dtype()).isEqualTo(DType.F32);
                assertThat(((GgufCheckpoint) copy).file().getInt(GgufKeys.FILE_TYPE)).isEqualTo(7);
                Tokenizer copied = copy.tokenizer().orElseThrow();
                for (String text : List.of("The capital of France is", "<|im_start|>user\nHi 123!<|im_end|>", "  ünï 日本")) {
                    assertThat(copied.encode(text, true)).as(text).containsExactly(tokenizer.encode(text, true));
                }
                // The matrices are exactly llama.cpp's Q8_0 of the dequantized Q4_1 rows ...
                WeightTensor gate = original.tensor(TensorNames.ffnGate(7));
                float[] row = new float[gate.cols()];
                gate.readRow(3, row, 0);
                MemorySegment requantized = MemorySegment.ofArray(new byte[(int) DType.Q8_0.bytesFor(row.length)]);
                GgmlQuantizers.quantizeQ8_0(row, 0, row.length, requantized, 0);
                WeightTensor copied8 = copy.tensor(TensorNames.ffnGate(7));
                assertThat(copied8.data().asSlice(3 * copied8.rowBytes(), copied8.rowBytes()).mismatch(requantized)).isEqualTo(-1);
                // ... so the logits move only by 8-bit noise on top of the 4-bit weights (F16 would move them ~0.02,
                // Q8_0 moves them ~0.2 on average): the same next token, its probability within 0.05.
                int[] prompt = tokenizer.encodeForModel("The capital of France is");
                float[] expected = new InferenceSession(LlamaModel.load(original), 16, 16, pool).forwardLast(prompt, 0, prompt.length);
                float[] actual = new InferenceSession(LlamaModel.load(copy), 16, 16, pool).forwardLast(prompt, 0, prompt.length);
                double[] p = softmax(expected);
                double[] q = softmax(actual);
                double worstLogit = 0;
                double worstProbability = 0;
                for (int i = 0; i < expected.length; i++) {
                    worstLogit = Math.max(worstLogit, Math.abs(expected[i] - actual[i]));
                    worstProbability = Math.max(worstProbability, Math.abs(p[i] - q[i]));
                }
                assertThat(argmax(actual)).isEqualTo(argmax(expected));
                assertThat(worstProbability).isLessThan(0.05);
                assertThat(worstLogit).isLessThan(1.0);
            }
        }
    }

    @Test
    void quantizedGgufKeepsRaggedRowsInF16AndTheClassifierAbove4Bits(@TempDir Path dir) throws IOException {
        Path q4 = dir.resolve("stories-q4_0.gguf");
        Path q4Float = dir.resolve("stories-q4_0-f32-embeddings.gguf");
        try (Checkpoint original = stories()) {
            Tokenizer tokenizer = original.tokenizer().orElseThrow();
            ExportResult result = GgufExporter.export(original, tokenizer, q4,
                    new GgufExporter.Options(DType.Q4_0, false, "stories260K"));
            // ffn_down rows are 172 long, not a multiple of Q4_0's 32-element blocks.
            assertThat(result.notes()).singleElement().asString().contains("5 matrices stored as F16");
            GgufExporter.export(original, tokenizer, q4Float, new GgufExporter.Options(DType.Q4_0, true, "stories260K"));
        }
        try (Checkpoint copy = CheckpointLoader.open(q4, null); Checkpoint keep = CheckpointLoader.open(q4Float, null)) {
            // Tied: the embedding is the classifier.
            assertThat(copy.tensor(TensorNames.TOKEN_EMBD).dtype()).isEqualTo(DType.Q8_0);
            assertThat(copy.tensor(TensorNames.attnQ(0)).dtype()).isEqualTo(DType.Q4_0);
            assertThat(copy.tensor(TensorNames.ffnDown(0)).dtype()).isEqualTo(DType.F16);
            assertThat(((GgufCheckpoint) copy).file().getInt(GgufKeys.FILE_TYPE)).isEqualTo(2);
            assertThat(keep.tensor(TensorNames.TOKEN_EMBD).dtype()).isEqualTo(DType.F32);
            assertThat(keep.tensor(TensorNames.attnQ(0)).dtype()).isEqualTo(DType.Q4_0);
        }
    }

    @Test
    void refusesTargetsThatHoldSomethingAndDtypesTheFormatCannotHold(@TempDir Path dir) throws IOException {
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("keep.txt"), "mine");
        try (Checkpoint original = stories()) {
            assertThatThrownBy(() -> SafetensorsExporter.export(original, null, busy, DType.F32, 1L << 30))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not empty");
            assertThat(busy).isDirectoryContaining(p -> p.getFileName().toString().equals("keep.txt"));
            assertThat(Files.list(busy).count()).isEqualTo(1);
            assertThatThrownBy(() -> SafetensorsExporter.export(original, null, dir.resolve("q"), DType.Q8_0, 1L << 30))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q8_0");
            assertThatThrownBy(() -> GgufExporter.export(original, null, busy, new GgufExporter.Options(DType.F32, false, "x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a folder");
            assertThatThrownBy(() -> new GgufExporter.Options(DType.Q4_K, false, "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q4_K");

            Path empty = Files.createDirectories(dir.resolve("empty"));
            SafetensorsExporter.export(original, null, empty, DType.F16, 1L << 30);
            assertThat(empty.resolve("model.safetensors")).isRegularFile();
        }
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void aFailedExportLeavesNothingUnderTheTargetName(@TempDir Path dir) throws IOException {
        try (Checkpoint original = stories()) {
            Checkpoint broken = new UnreadableTensor(original, TensorNames.ffnUp(4));
            Path folder = dir.resolve("hf");
            Path file = dir.resolve("model.gguf");
            assertThatThrownBy(() -> SafetensorsExporter.export(broken, null, folder, DType.F32, 1L << 30))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> GgufExporter.export(broken, null, file, new GgufExporter.Options(DType.Q8_0, false, "x")))
                    .isInstanceOf(IllegalStateException.class);
            // A sharded folder fails after some shards are complete: still nothing appears.
            assertThatThrownBy(() -> SafetensorsExporter.export(broken, null, folder, DType.F32, 64 << 10))
                    .isInstanceOf(IllegalStateException.class);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static boolean sameShape(ModelConfig a, ModelConfig b) {
        return a.dim() == b.dim() && a.hiddenDim() == b.hiddenDim() && a.nLayers() == b.nLayers()
                && a.nHeads() == b.nHeads() && a.nKvHeads() == b.nKvHeads() && a.vocabSize() == b.vocabSize()
                && a.maxSeqLen() == b.maxSeqLen() && a.normEps() == b.normEps() && a.ropeTheta() == b.ropeTheta()
                && a.tiedEmbeddings() == b.tiedEmbeddings();
    }

    private static float[][] logits(Checkpoint ckpt, int[] tokens) {
        InferenceSession session = new InferenceSession(LlamaModel.load(ckpt), 64, 16, pool);
        int vocab = ckpt.config().vocabSize();
        float[][] out = new float[tokens.length][];
        session.forward(tokens, 0, tokens.length, (i, logits, offset) -> out[i] = Arrays.copyOfRange(logits, offset, offset + vocab));
        return out;
    }

    private static void assertClose(float[][] actual, float[][] expected, double tolerance) {
        for (int p = 0; p < expected.length; p++) {
            double worst = 0;
            for (int i = 0; i < expected[p].length; i++) {
                worst = Math.max(worst, Math.abs(actual[p][i] - expected[p][i]));
            }
            assertThat(worst).as("max |logit difference| at position %d", p).isLessThan(tolerance);
        }
    }

    /** A checkpoint one of whose tensors cannot be read (its memory is already released). */
    private record UnreadableTensor(Checkpoint inner, String broken) implements Checkpoint {
        @Override public Path source() { return inner.source(); }
        @Override public String format() { return inner.format(); }
        @Override public ModelConfig config() { return inner.config(); }
        @Override public boolean hasTensor(String name) { return inner.hasTensor(name); }
        @Override public Collection<WeightTensor> tensors() { return inner.tensors(); }
        @Override public Optional<Tokenizer> tokenizer() { return inner.tokenizer(); }
        @Override public long fileBytes() { return inner.fileBytes(); }
        @Override public void close() { }

        @Override
        public WeightTensor tensor(String name) {
            WeightTensor t = inner.tensor(name);
            if (!name.equals(broken)) {
                return t;
            }
            MemorySegment released;
            try (Arena arena = Arena.ofConfined()) {
                released = arena.allocate(t.data().byteSize());
            }
            return new WeightTensor(name, t.dtype(), t.rows(), t.cols(), released);
        }
    }
}
