package org.quantbench.model.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Malformed GGUF files: each must fail with a {@link FileFormatException} that names the file and the key or
 * tensor at fault, without allocating anything near what the file claims.
 */
class GgufHostileInputTest {
    private static final long ALLOCATION_LIMIT = 32L << 20;

    @TempDir
    Path dir;

    /** Metadata of several types, an F32 vector and a Q8_0 matrix; the file ends with the last tensor's bytes. */
    static byte[] validFile() {
        byte[] q8 = new byte[2 * 34];
        for (int b = 0; b < 2; b++) {
            q8[34 * b] = 0x00;
            q8[34 * b + 1] = 0x3C; // d = 1
            for (int j = 0; j < 32; j++) q8[34 * b + 2 + j] = (byte) (j - 16 + b);
        }
        return new TestGguf()
                .str("general.architecture", "test")
                .u32("test.count", 7)
                .f32("test.eps", 1e-5f)
                .bool("test.flag", true)
                .str("tokenizer.ggml.model", "llama")
                .strings("tokenizer.ggml.tokens", List.of("<unk>", "<s>", "</s>", "a"))
                .floats("tokenizer.ggml.scores", new float[] {0, 0, 0, -1})
                .ints("tokenizer.ggml.token_type", new int[] {2, 3, 3, 1})
                .u32("tokenizer.ggml.bos_token_id", 1)
                .f32Tensor("norm.weight", 1, 8)
                .tensor("embd.weight", 8, q8, 32, 2)
                .build();
    }

    @Test
    void theValidFileParses() throws IOException {
        try (GgufFile f = GgufFile.open(write(validFile()))) {
            assertThat(f.metadata()).hasSize(9);
            assertThat(f.tensor("norm.weight").toFloatArray()).startsWith(1f, 1 + 1 / 64f);
            assertThat(f.tensor("embd.weight").toFloatArray()).startsWith(-16f, -15f);
            assertThat(f.vocabulary().tokens()).containsExactly("<unk>", "<s>", "</s>", "a");
        }
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        byte[] valid = validFile();
        Path file = write(valid);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int cut = valid.length - 1; cut >= 0; cut--) {
                channel.truncate(cut);
                FileFormatException e = rejected(file);
                assertThat(e.getMessage()).as("cut at %d", cut).contains("hostile.gguf");
            }
        }
    }

    @Test
    void anArrayOfATrillionElementsFailsBeforeAllocating() throws IOException {
        byte[] strings = GgufBytes.header(0, 1).key("tokenizer.ggml.tokens", GgufBytes.ARRAY)
                .u32(GgufBytes.STRING).u64(1_000_000_000_000L).toArray();
        assertRejected(strings, "tokenizer.ggml.tokens", "1000000000000");
        byte[] bytes = GgufBytes.header(0, 1).key("big.u8", GgufBytes.ARRAY).u32(0).u64(1_000_000_000_000L).toArray();
        assertRejected(bytes, "big.u8");
        byte[] negative = GgufBytes.header(0, 1).key("neg", GgufBytes.ARRAY).u32(0).u64(-1L).toArray();
        assertRejected(negative, "neg", "18446744073709551615");
    }

    @Test
    void headersThatWouldExhaustTheHeapAreRejected() throws IOException {
        // A sparse file: 5 million empty strings are 40 MB of zeros on disk but would take ~250 MB of heap.
        byte[] header = GgufBytes.header(0, 1).key("k.strings", GgufBytes.ARRAY).u32(GgufBytes.STRING)
                .u64(5_000_000).toArray();
        Path file = write(header);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(header.length + 8L * 5_000_000);
        }
        assertThat(rejected(file).getMessage()).contains("k.strings", "MiB of memory");
    }

    @Test
    void hugeCountsInTheHeaderFailFast() throws IOException {
        assertRejected(GgufBytes.header(1_000_000_000_000L, 0).toArray(), "tensor count");
        assertRejected(GgufBytes.header(0, 1_000_000_000_000L).toArray(), "metadata count");
    }

    @Test
    void aStringOfLength2To62IsRejected() throws IOException {
        byte[] value = GgufBytes.header(0, 1).key("general.name", GgufBytes.STRING).u64(1L << 62).toArray();
        assertRejected(value, "general.name", "4611686018427387904");
        byte[] key = GgufBytes.header(0, 1).u64(1L << 62).raw(new byte[64]).toArray();
        assertRejected(key, "metadata key #0");
        byte[] name = GgufBytes.header(1, 0).u64(1L << 62).raw(new byte[64]).toArray();
        assertRejected(name, "tensor #0 name");
    }

    @Test
    void anUnknownTensorTypeIsReportedWhenTheTensorIsRead() throws IOException {
        byte[] file = new TestGguf().f32Tensor("ok.weight", 0, 4).tensor("odd.weight", 77, new byte[64], 32)
                .tensor("k.weight", 13, new byte[176], 256).build();
        try (GgufFile f = GgufFile.open(write(file))) {
            assertThat(f.tensorInfo("odd.weight").typeId()).isEqualTo(77);
            assertThat(f.tensorInfo("odd.weight").dtype()).isEmpty();
            assertThat(f.tensor("ok.weight").cols()).isEqualTo(4);
            assertThatThrownBy(() -> f.tensor("odd.weight")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("hostile.gguf").hasMessageContaining("odd.weight")
                    .hasMessageContaining("unknown type id 77");
            assertThatThrownBy(() -> f.tensor("k.weight")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("k.weight").hasMessageContaining("Q5_K (id 13)");
            assertThatThrownBy(() -> f.tensor("absent.weight")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("absent.weight").hasMessageContaining("not in the file");
        }
    }

    @Test
    void tensorDataOutsideTheFileIsRejected() throws IOException {
        for (long offset : new long[] {1L << 40, Long.MAX_VALUE - 31, 64}) {
            byte[] file = GgufBytes.header(1, 0).tensorInfo("w.weight", 0, offset, 8).padTo(32)
                    .raw(new byte[32]).toArray();
            assertRejected(file, "tensor w.weight", "outside the file");
        }
        byte[] tooLong = GgufBytes.header(1, 0).tensorInfo("w.weight", 0, 0, 1L << 30, 1L << 30).padTo(32).toArray();
        assertRejected(tooLong, "tensor w.weight");
        byte[] overflow = GgufBytes.header(1, 0).tensorInfo("w.weight", 0, 0, 1L << 40, 1L << 40).toArray();
        assertRejected(overflow, "tensor w.weight", "overflows");
        byte[] negative = GgufBytes.header(1, 0).tensorInfo("w.weight", 0, 0, -5).toArray();
        assertRejected(negative, "tensor w.weight", "ne[0]");
        byte[] unaligned = GgufBytes.header(1, 0).tensorInfo("w.weight", 0, 4, 1).padTo(32).raw(new byte[64]).toArray();
        assertRejected(unaligned, "tensor w.weight", "alignment");
        byte[] partialBlock = GgufBytes.header(1, 0).tensorInfo("w.weight", 8, 0, 33).padTo(32).raw(new byte[64]).toArray();
        assertRejected(partialBlock, "tensor w.weight", "block size 32");
    }

    @Test
    void badMagicAndVersionsAreRejected() throws IOException {
        byte[] valid = validFile();
        byte[] ggml = valid.clone();
        ggml[2] = 'M';
        ggml[3] = 'L';
        assertRejected(ggml, "magic", "not a GGUF file");
        assertRejected(withVersion(valid, 1), "version", "v1");
        assertRejected(withVersion(valid, 4), "version", "4");
        assertRejected(withVersion(valid, 0x03000000), "version", "big-endian");
        try (GgufFile f = GgufFile.open(write(withVersion(valid, 2)))) {
            assertThat(f.version()).isEqualTo(2);
        }
    }

    @Test
    void tooManyDimensionsAreRejected() throws IOException {
        byte[] file = GgufBytes.header(1, 0).str("w.weight").u32(100).raw(new byte[64]).toArray();
        assertRejected(file, "tensor w.weight", "100 dimensions");
        byte[] none = GgufBytes.header(1, 0).str("w.weight").u32(0).raw(new byte[64]).toArray();
        assertRejected(none, "tensor w.weight", "0 dimensions");
    }

    @Test
    void malformedMetadataIsRejected() throws IOException {
        assertRejected(GgufBytes.header(0, 1).key("k.type", 13).u32(0).toArray(), "k.type", "unknown metadata value type 13");
        assertRejected(GgufBytes.header(0, 1).key("k.array", GgufBytes.ARRAY).u32(99).u64(0).toArray(),
                "k.array", "unknown metadata value type 99");
        assertRejected(GgufBytes.header(0, 1).key("k.bool", 7).u8(2).toArray(), "k.bool", "not 0 or 1");
        assertRejected(GgufBytes.header(0, 2).key("k.dup", 7).u8(1).key("k.dup", 7).u8(0).toArray(), "k.dup", "twice");
        assertRejected(GgufBytes.header(0, 1).u64(2).raw((byte) 0xC3, (byte) 0x28).u32(7).u8(0).toArray(),
                "metadata key #0", "UTF-8");
        GgufBytes deep = GgufBytes.header(0, 1).key("k.deep", GgufBytes.ARRAY);
        for (int i = 0; i < 6; i++) deep.u32(GgufBytes.ARRAY).u64(1);
        assertRejected(deep.u32(0).u64(0).toArray(), "k.deep", "nested deeper");
        assertRejected(GgufBytes.header(0, 1).key("general.alignment", GgufBytes.UINT32).u32(48).toArray(),
                "general.alignment", "power of two");
        assertRejected(GgufBytes.header(0, 1).key("general.alignment", GgufBytes.UINT32).u32(0).toArray(),
                "general.alignment");
        assertRejected(GgufBytes.header(0, 1).key("general.alignment", GgufBytes.STRING).str("32").toArray(),
                "general.alignment", "not an integer");
    }

    @Test
    void duplicateTensorNamesAreRejected() throws IOException {
        byte[] file = GgufBytes.header(2, 0).tensorInfo("w.weight", 0, 0, 8).tensorInfo("w.weight", 0, 32, 8)
                .padTo(32).raw(new byte[64]).toArray();
        assertRejected(file, "tensor w.weight", "twice");
    }

    @Test
    void customAlignmentIsHonoured() throws IOException {
        byte[] file = GgufBytes.header(1, 1).key("general.alignment", GgufBytes.UINT32).u32(64)
                .tensorInfo("w.weight", 0, 0, 2).padTo(64).f32(3).f32(4).toArray();
        try (GgufFile f = GgufFile.open(write(file))) {
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.dataOffset()).isEqualTo(128);
            assertThat(f.tensor("w.weight").toFloatArray()).containsExactly(3f, 4f);
        }
    }

    @Test
    void accessorsNameTheKey() throws IOException {
        try (GgufFile f = GgufFile.open(write(validFile()))) {
            assertThatThrownBy(() -> f.getInt("general.architecture")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("general.architecture").hasMessageContaining("expected an integer");
            assertThatThrownBy(() -> f.getString("absent.key")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("absent.key").hasMessageContaining("missing");
            assertThatThrownBy(() -> f.getStringArray("tokenizer.ggml.scores")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("tokenizer.ggml.scores").hasMessageContaining("expected strings");
            assertThatThrownBy(() -> f.getBool("test.count")).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("test.count");
            assertThat(f.getInt("absent.key", 5)).isEqualTo(5);
            assertThat(f.getFloat("test.count")).isEqualTo(7f);
        }
    }

    @Test
    void inconsistentVocabularyIsRejected() throws IOException {
        byte[] file = new TestGguf().str("tokenizer.ggml.model", "llama")
                .strings("tokenizer.ggml.tokens", List.of("a", "b"))
                .floats("tokenizer.ggml.scores", new float[] {1}).build();
        try (GgufFile f = GgufFile.open(write(file))) {
            assertThatThrownBy(f::vocabulary).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("tokenizer.ggml.scores").hasMessageContaining("1 entries for 2 tokens");
        }
        try (GgufFile f = GgufFile.open(write(new TestGguf().str("general.name", "x").build()))) {
            assertThat(f.hasVocabulary()).isFalse();
            assertThatThrownBy(f::vocabulary).isInstanceOf(FileFormatException.class).hasMessageContaining("no tokenizer");
        }
    }

    @Test
    void missingOrEmptyFilesAreFormatErrors() throws IOException {
        assertThatThrownBy(() -> GgufFile.open(dir.resolve("absent.gguf"))).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("absent.gguf");
        assertRejected(new byte[0], "magic");
    }

    private static byte[] withVersion(byte[] file, int version) {
        byte[] copy = file.clone();
        for (int i = 0; i < 4; i++) copy[4 + i] = (byte) (version >>> (8 * i));
        return copy;
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("hostile.gguf"), bytes);
    }

    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        FileFormatException e = rejected(bytes);
        assertThat(e.getMessage()).contains("hostile.gguf").contains(fragments);
    }

    private FileFormatException rejected(byte[] bytes) throws IOException {
        return rejected(write(bytes));
    }

    private static FileFormatException rejected(Path file) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try (GgufFile f = GgufFile.open(file)) {
            fail("expected a FileFormatException, but the file parsed with " + f.metadata().size() + " keys");
            return null;
        } catch (FileFormatException e) {
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated while rejecting: " + e.getMessage()).isLessThan(ALLOCATION_LIMIT);
            return e;
        }
    }
}
