package org.quantbench.export.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.export.ExportResult;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;
import org.quantbench.model.TensorNames;
import org.quantbench.model.gguf.GgufCheckpoint;
import org.quantbench.model.gguf.GgufKeys;
import org.quantbench.model.hf.CanonicalShapes;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** GGUF exports of rotate-half (HF-style) checkpoints: llama with llama3 RoPE scaling, and qwen2 with biases. */
class GgufExporterArchitecturesTest {
    private static final int[] TOKENS = {3, 17, 42, 5, 9, 60, 1, 33};

    @Test
    void llamaWithLlama3ScalingGetsInterleavedRowsAndRopeFreqs(@TempDir Path dir) throws IOException {
        RopeScaling llama3 = new RopeScaling("llama3", 8, 1, 4, 8192);
        ModelConfig config = new ModelConfig("LlamaForCausalLM", 64, 96, 2, 4, 2, 16, 64, 64, 1e-5f, 500000f,
                llama3, RopeLayout.HALF, false, false);
        Checkpoint source = new RandomCheckpoint(config, 11);
        Path gguf = dir.resolve("llama3.gguf");
        ExportResult result = GgufExporter.export(source, null, gguf, new GgufExporter.Options(DType.F32, false, "tiny"));
        assertThat(result.notes()).singleElement().asString().contains("no tokenizer");
        assertThat(result.tensors()).isEqualTo(CanonicalShapes.of(config).size() + 1);
        try (Checkpoint copy = CheckpointLoader.open(gguf, null)) {
            ModelConfig c = copy.config();
            assertThat(c.ropeLayout()).isEqualTo(RopeLayout.INTERLEAVED);
            assertThat(c.ropeScaling()).isEqualTo(llama3);
            assertThat(c.tiedEmbeddings()).isFalse();
            assertThat(copy.hasTensor(GgufCheckpoint.ROPE_FREQS)).isTrue();
            float[] q = source.tensor(TensorNames.attnQ(1)).toFloatArray();
            float[] stored = copy.tensor(TensorNames.attnQ(1)).toFloatArray();
            // Interleaved row 1 of head 0 is rotate-half row 8 (the partner of row 0).
            assertThat(java.util.Arrays.copyOfRange(stored, 64, 128)).containsExactly(java.util.Arrays.copyOfRange(q, 8 * 64, 9 * 64));
            assertSameLogits(source, copy);
        }
    }

    @Test
    void qwen2KeepsRotateHalfRowsAndItsBiases(@TempDir Path dir) throws IOException {
        ModelConfig config = new ModelConfig("Qwen2ForCausalLM", 64, 96, 2, 4, 2, 16, 64, 64, 1e-6f, 1000000f,
                RopeScaling.NONE, RopeLayout.HALF, true, true);
        Checkpoint source = new RandomCheckpoint(config, 12);
        Path gguf = dir.resolve("qwen2.gguf");
        GgufExporter.export(source, null, gguf, new GgufExporter.Options(DType.F16, false, "tiny-qwen2"));
        try (Checkpoint copy = CheckpointLoader.open(gguf, null)) {
            ModelConfig c = copy.config();
            assertThat(((GgufCheckpoint) copy).file().getString(GgufKeys.ARCHITECTURE)).isEqualTo("qwen2");
            assertThat(c.architecture()).isEqualTo("Qwen2ForCausalLM");
            assertThat(c.ropeLayout()).isEqualTo(RopeLayout.HALF);
            assertThat(c.qkvBias()).isTrue();
            assertThat(copy.tensor(TensorNames.attnQBias(0)).toFloatArray())
                    .containsExactly(source.tensor(TensorNames.attnQBias(0)).toFloatArray());
            assertThat(copy.tensor(TensorNames.attnQ(0)).dtype()).isEqualTo(DType.F16);
            assertThat(copy.tensor(TensorNames.attnNorm(0)).dtype()).isEqualTo(DType.F32);
            float[] expected = logits(source);
            float[] actual = logits(copy);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], within(0.02f));
            }
        }
    }

    private static void assertSameLogits(Checkpoint expected, Checkpoint actual) {
        float[] e = logits(expected);
        float[] a = logits(actual);
        for (int i = 0; i < e.length; i++) {
            assertThat(a[i]).isCloseTo(e[i], within(1e-4f));
        }
    }

    private static float[] logits(Checkpoint ckpt) {
        try (ComputePool pool = new ComputePool(1)) {
            return new InferenceSession(LlamaModel.load(ckpt), 16, 16, pool).forwardLast(TOKENS, 0, TOKENS.length);
        }
    }

    /** Random F32 weights on the heap (std 0.1, norms near 1), in the config's own RoPE layout. */
    private static final class RandomCheckpoint implements Checkpoint {
        private final ModelConfig config;
        private final Map<String, WeightTensor> tensors = new LinkedHashMap<>();

        RandomCheckpoint(ModelConfig config, long seed) {
            this.config = config;
            SplittableRandom random = new SplittableRandom(seed);
            for (var entry : CanonicalShapes.of(config).entrySet()) {
                List<Long> shape = entry.getValue();
                int rows = shape.size() == 2 ? shape.get(0).intValue() : 1;
                int cols = shape.get(shape.size() - 1).intValue();
                boolean norm = entry.getKey().contains("norm");
                float[] values = new float[rows * cols];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((norm ? 1 : 0) + 0.1 * random.nextGaussian());
                }
                tensors.put(entry.getKey(), new WeightTensor(entry.getKey(), DType.F32, rows, cols, MemorySegment.ofArray(values)));
            }
        }

        @Override public Path source() { return Path.of("random"); }
        @Override public String format() { return "memory"; }
        @Override public ModelConfig config() { return config; }
        @Override public WeightTensor tensor(String name) { return tensors.get(name); }
        @Override public boolean hasTensor(String name) { return tensors.containsKey(name); }
        @Override public Collection<WeightTensor> tensors() { return tensors.values(); }
        @Override public Optional<Tokenizer> tokenizer() { return Optional.empty(); }
        @Override public long fileBytes() { return 0; }
        @Override public void close() { }
    }
}
