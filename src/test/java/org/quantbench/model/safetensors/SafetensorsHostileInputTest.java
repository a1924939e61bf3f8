package org.quantbench.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Corrupt and malicious safetensors files: each must end in a FileFormatException naming file and field. */
@Timeout(60) // a hang guard only; every case here finishes in milliseconds
class SafetensorsHostileInputTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("hostile.safetensors"), bytes);
    }

    private static byte[] withLength(long headerLength, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).put(rest).array();
    }

    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path file = write(bytes);
        var thrown = assertThatThrownBy(() -> SafetensorsFile.open(file).close())
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("hostile.safetensors");
        for (String fragment : fragments) {
            thrown.hasMessageContaining(fragment);
        }
    }

    @Test
    void rejectsFilesTooShortForTheLengthField() throws IOException {
        for (int size : new int[] {0, 1, 7}) {
            assertRejected(new byte[size], "header length");
        }
    }

    @Test
    void rejectsAHeaderLengthOf2To62WithoutAllocatingIt() throws IOException {
        Path file = write(withLength(1L << 62, "{}".getBytes(StandardCharsets.US_ASCII)));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("hostile.safetensors")
                .hasMessageContaining("header length")
                .hasMessageContaining(Long.toString(1L << 62));
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(16L << 20);
    }

    @Test
    void rejectsHeaderLengthsPastTheFileOrNegative() throws IOException {
        assertRejected(withLength(100, "{}".getBytes(StandardCharsets.US_ASCII)), "header length");
        assertRejected(withLength(-1, "{}".getBytes(StandardCharsets.US_ASCII)), "header length");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] full = new SafetensorsBytes().floats("a", "F32", new long[] {4, 4}, new float[16]).build();
        for (int cut = 1; cut < 64; cut += 7) {
            assertRejected(Arrays.copyOf(full, full.length - cut), "a");
        }
    }

    static Stream<Arguments> badHeaders() {
        String f32 = "\"dtype\":\"F32\",\"shape\":[2],";
        return Stream.of(
                Arguments.of("{\"a\":{" + f32 + "\"data_offsets\":[0,4096]}}", "data_offsets", "outside the data section"),
                Arguments.of("{\"a\":{" + f32 + "\"data_offsets\":[0,8]},\"b\":{" + f32 + "\"data_offsets\":[4,12]}}",
                        "tensor \"b\"", "overlaps tensor \"a\""),
                Arguments.of("{\"a\":{" + f32 + "\"data_offsets\":[0,4]}}", "data_offsets", "needs 8"),
                Arguments.of("{\"a\":{" + f32 + "\"data_offsets\":[8,0]}}", "data_offsets", "after end"),
                Arguments.of("{\"a\":{" + f32 + "\"data_offsets\":[0,4,8]}}", "data_offsets", "[begin, end]"),
                Arguments.of("{\"a\":{" + f32 + "\"data_offsets\":[0,8]},\"a\":{" + f32 + "\"data_offsets\":[8,16]}}", "header", "a"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "shape", "negative"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", "shape", "integers"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", "shape", "integers"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,8]}}", "shape", "overflows"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", "shape", "too large"),
                Arguments.of("{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", "shape", "whole bytes"),
                Arguments.of("{\"a\":{\"dtype\":\"Q9\",\"shape\":[2],\"data_offsets\":[0,8]}}", "dtype", "unknown dtype \"Q9\""),
                Arguments.of("{\"a\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", "dtype", "string"),
                Arguments.of("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "dtype", "missing"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", "shape", "missing"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", "data_offsets", "missing"),
                Arguments.of("{\"a\":[1,2]}", "tensor \"a\"", "object"),
                Arguments.of("{\"__metadata__\":{\"format\":1}}", "__metadata__.format", "string"),
                Arguments.of("{\"__metadata__\":[]}", "__metadata__", "object"),
                Arguments.of("[1,2]", "header", "'{'"),
                Arguments.of("{\"a\":", "header", "JSON"),
                Arguments.of("{} x", "header", "JSON"),
                Arguments.of("{}{}", "header", "after the JSON object"),
                Arguments.of("{\"a\":{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}}", "header", "JSON"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(100) + "2],\"data_offsets\":[0,8]}}", "shape", "64"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[1" + "0".repeat(200) + "],\"data_offsets\":[0,8]}}", "header", ""));
    }

    @ParameterizedTest
    @MethodSource("badHeaders")
    void rejectsBadHeaders(String header, String field, String reason) throws IOException {
        assertRejected(SafetensorsBytes.file(header, new byte[16]), field, reason);
    }

    @Test
    void rejectsInvalidUtf8AndNulPadding() throws IOException {
        byte[] header = "{\"a\u00ff\":{}}".getBytes(StandardCharsets.ISO_8859_1);
        assertRejected(withLength(header.length, header), "header");
        byte[] nulPadded = Arrays.copyOf("{}".getBytes(StandardCharsets.US_ASCII), 8);
        assertRejected(withLength(nulPadded.length, nulPadded), "header");
        byte[] utf16 = "{}".getBytes(StandardCharsets.UTF_16LE);
        assertRejected(withLength(utf16.length, utf16), "header");
    }

    /** Random mutations of a valid file: opening and reading may fail only with FileFormatException. */
    @Test
    void fuzzedFilesOnlyEverFailWithFileFormatException() throws IOException {
        byte[] valid = new SafetensorsBytes()
                .metadata(Map.of("format", "pt"))
                .floats("model.embed_tokens.weight", "BF16", new long[] {4, 3}, new float[12])
                .floats("model.norm.weight", "F32", new long[] {3}, new float[] {1, 1, 1})
                .raw("q", "I8", new long[] {2, 2}, new byte[4])
                .floats("h", "F16", new long[] {2, 1}, new float[] {0.5f, 2})
                .build();
        SplittableRandom random = new SplittableRandom(20251123);
        String jsonChars = "{}[]\":,-0123456789e.FBI\\ \u00e9";
        int opened = 0;
        for (int iteration = 0; iteration < 3000; iteration++) {
            byte[] bytes = mutate(valid, random, jsonChars);
            // a fresh file each time: truncating a file that was just mapped is slow on some file systems
            Path file = Files.write(dir.resolve(iteration + ".hostile.safetensors"), bytes);
            try (SafetensorsFile st = SafetensorsFile.open(file)) {
                opened++;
                for (SafetensorsTensorInfo info : st.tensorInfos()) {
                    st.bytes(info.name());
                    try {
                        WeightTensor w = st.tensor(info.name());
                        if (w.elements() < 1_000_000) {
                            w.toFloatArray();
                        }
                    } catch (FileFormatException expected) {
                        // unsupported dtype or rank: a typed refusal is fine
                    }
                }
            } catch (FileFormatException expected) {
                assertThat(expected.getMessage()).contains("hostile.safetensors");
            } catch (RuntimeException | Error e) {
                fail("iteration " + iteration + ": " + e + " for bytes " + new String(bytes, StandardCharsets.ISO_8859_1), e);
            }
            Files.delete(file);
        }
        assertThat(opened).as("some mutations keep the file valid").isPositive();
    }

    private static byte[] mutate(byte[] valid, SplittableRandom random, String jsonChars) {
        byte[] bytes = valid.clone();
        int headerEnd = (int) Math.min(bytes.length, 8 + ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(6)) {
                case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                case 1 -> {
                    int span = Math.min(bytes.length, headerEnd) - 8;
                    if (span > 0) {
                        bytes[8 + random.nextInt(span)] = (byte) jsonChars.charAt(random.nextInt(jsonChars.length()));
                    }
                }
                case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 3 -> {
                    long length = switch (random.nextInt(4)) {
                        case 0 -> random.nextLong();
                        case 1 -> random.nextInt(bytes.length + 16);
                        case 2 -> 1L << random.nextInt(63);
                        default -> headerEnd - 8 + random.nextInt(-4, 5);
                    };
                    if (bytes.length >= 8) {
                        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
                    }
                }
                case 4 -> {
                    // shift a digit in the header to grow or shrink a shape or an offset
                    int span = Math.min(bytes.length, headerEnd) - 8;
                    for (int tries = 0; tries < 20 && span > 0; tries++) {
                        int at = 8 + random.nextInt(span);
                        if (bytes[at] >= '0' && bytes[at] <= '9') {
                            bytes[at] = (byte) ('0' + random.nextInt(10));
                            break;
                        }
                    }
                }
                default -> {
                    int from = random.nextInt(bytes.length + 1);
                    int to = Math.min(bytes.length, from + random.nextInt(16));
                    byte[] spliced = new byte[bytes.length + (to - from)];
                    System.arraycopy(bytes, 0, spliced, 0, to);
                    System.arraycopy(bytes, from, spliced, to, bytes.length - from);
                    bytes = spliced;
                }
            }
            if (bytes.length == 0) {
                break;
            }
        }
        return bytes;
    }
}
