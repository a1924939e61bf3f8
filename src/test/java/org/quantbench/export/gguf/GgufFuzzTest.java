package org.quantbench.export.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.TensorNames;
import org.quantbench.model.gguf.GgufCheckpoint;
import org.quantbench.model.gguf.GgufFile;
import org.quantbench.model.gguf.GgufTensorInfo;
import org.quantbench.model.gguf.GgufValue;
import org.quantbench.model.tokenizer.VocabularyData;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded random byte mutations of small valid files written by {@link GgufWriter}: opening and reading every part
 * of a mutated file may succeed or throw {@link FileFormatException}, nothing else.
 */
class GgufFuzzTest {
    private static final int MUTATIONS_PER_FILE = 1500;

    @TempDir
    Path dir;

    @Test
    void mutatedModelsOnlyEverFailWithFormatErrors() throws IOException {
        Path file = dir.resolve("model.gguf");
        tinyLlama().write(file);
        fuzz(file, 0x5EED_0001L, path -> {
            try (GgufCheckpoint c = GgufCheckpoint.open(path)) {
                c.config().parameterCount();
                for (WeightTensor t : c.tensors()) {
                    readAll(t);
                }
                c.file().vocabulary();
            }
        });
    }

    @Test
    void mutatedMetadataAndBlocksOnlyEverFailWithFormatErrors() throws IOException {
        Path file = dir.resolve("misc.gguf");
        GgufWriter writer = new GgufWriter().putAll(GgufWriterTest.allTypes());
        Random random = new Random(7);
        for (DType type : new DType[] {DType.Q4_K, DType.Q6_K}) {
            byte[] block = new byte[type.blockBytes()];
            random.nextBytes(block);
            writer.add(GgufTensorSpec.fromEncodedRows(type.name().toLowerCase() + ".weight", type,
                    (r, dst) -> MemorySegment.copy(MemorySegment.ofArray(block), 0, dst, 0, block.length), 256, 2));
        }
        writer.write(file);
        fuzz(file, 0x5EED_0002L, path -> {
            try (GgufFile f = GgufFile.open(path)) {
                for (String key : f.metadata().keySet()) {
                    touch(() -> f.getString(key));
                    touch(() -> f.getLong(key));
                    touch(() -> f.getFloat(key));
                    touch(() -> f.getIntArray(key));
                    touch(() -> f.getFloatArray(key));
                    touch(() -> f.getStringArray(key));
                }
                for (GgufTensorInfo info : f.tensorInfos()) {
                    touch(() -> readAll(f.tensor(info.name())));
                }
            }
        });
    }

    /** Mutates 1-4 bytes (mostly in the header) or truncates, runs {@code open}, and restores the file. */
    private static void fuzz(Path file, long seed, Consumer<Path> open) throws IOException {
        byte[] original = Files.readAllBytes(file);
        int headerBytes;
        try (GgufFile f = GgufFile.open(file)) {
            headerBytes = (int) f.dataOffset();
            open.accept(file); // the unmutated file must pass completely
        }
        Random random = new Random(seed);
        int parsed = 0;
        int rejected = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
                StringBuilder what = new StringBuilder();
                boolean truncate = random.nextInt(10) == 0;
                if (truncate) {
                    int length = random.nextInt(original.length);
                    channel.truncate(length);
                    what.append("truncated to ").append(length);
                } else {
                    for (int m = 1 + random.nextInt(4); m > 0; m--) {
                        int at = random.nextInt(5) > 0 ? random.nextInt(headerBytes) : random.nextInt(original.length);
                        byte value = switch (random.nextInt(6)) {
                            case 0 -> 0;
                            case 1 -> (byte) 0xFF;
                            case 2 -> (byte) 0x80;
                            case 3 -> (byte) (original[at] + 1);
                            case 4 -> (byte) (original[at] - 1);
                            default -> (byte) random.nextInt(256);
                        };
                        channel.write(ByteBuffer.wrap(new byte[] {value}), at);
                        what.append(String.format("[%d]=0x%02X ", at, value));
                    }
                }
                try {
                    open.accept(file);
                    parsed++;
                } catch (FileFormatException expected) {
                    rejected++; // the one permitted failure
                } catch (RuntimeException | Error e) {
                    fail("seed " + seed + " mutation " + i + " (" + what + ") threw " + e, e);
                }
                channel.write(ByteBuffer.wrap(original), 0); // restore (also undoes a truncation)
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the parser.
        assertThat(parsed).as("mutated files that parsed").isGreaterThan(MUTATIONS_PER_FILE / 20);
        assertThat(rejected).as("mutated files rejected").isGreaterThan(MUTATIONS_PER_FILE / 20);
    }

    private static void touch(Runnable access) {
        try {
            access.run();
        } catch (FileFormatException expected) {
            // a mistyped or malformed value: permitted
        }
    }

    private static void readAll(WeightTensor t) {
        float[] row = new float[t.cols()];
        for (int r = 0; r < t.rows(); r++) {
            t.readRow(r, row, 0);
        }
    }

    /** dim 32, hidden 64, 1 layer, 2 heads of 16, 1 KV head, vocab 4; every decodable tensor type appears. */
    private static GgufWriter tinyLlama() {
        GgufTensorSpec.FloatRows rows = (r, dst) -> {
            for (int c = 0; c < dst.length; c++) dst[c] = (float) Math.cos(r * 7 + c * 0.3) * (1 + r % 3);
        };
        VocabularyData vocab = new VocabularyData("llama", "default", List.of("<unk>", "<s>", "</s>", "▁a"),
                new float[] {0, 0, 0, -1}, new int[] {2, 3, 3, 1}, List.of(), 1, 2, 0, -1, true, false, true);
        return new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("llama.embedding_length", GgufValue.uint32(32))
                .put("llama.feed_forward_length", GgufValue.uint32(64))
                .put("llama.block_count", GgufValue.uint32(1))
                .put("llama.attention.head_count", GgufValue.uint32(2))
                .put("llama.attention.head_count_kv", GgufValue.uint32(1))
                .put("llama.context_length", GgufValue.uint32(64))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5f))
                .put("llama.rope.freq_base", GgufValue.float32(10000f))
                .putAll(GgufTokenizerMetadata.of(vocab))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.TOKEN_EMBD, DType.Q8_0, rows, 32, 4))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.OUTPUT_NORM, DType.F32, rows, 32))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.attnNorm(0), DType.F32, rows, 32))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.attnQ(0), DType.Q4_0, rows, 32, 32))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.attnK(0), DType.Q4_1, rows, 32, 16))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.attnV(0), DType.F16, rows, 32, 16))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.attnOutput(0), DType.BF16, rows, 32, 32))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.ffnNorm(0), DType.F32, rows, 32))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.ffnGate(0), DType.Q8_0, rows, 32, 64))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.ffnUp(0), DType.Q4_0, rows, 32, 64))
                .add(GgufTensorSpec.fromFloatRows(TensorNames.ffnDown(0), DType.Q4_1, rows, 64, 32));
    }
}
