package org.quantbench.model.llama2c;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Llama2cHostileInputTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        Path p = dir.resolve("m" + System.nanoTime() + ".bin");
        Files.write(p, bytes);
        return p;
    }

    private static byte[] header(int... fields) {
        ByteBuffer b = ByteBuffer.allocate(4 * fields.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int f : fields) {
            b.putInt(f);
        }
        return b.array();
    }

    @Test
    void truncatedOrImpossibleHeadersNameTheField() throws IOException {
        assertThatThrownBy(() -> Llama2cCheckpoint.open(write(java.util.Arrays.copyOf(header(64, 172, 5), 10)), null))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Llama2cCheckpoint.open(write(header(-64, 172, 5, 8, 4, 512, 512)), null))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("dim");
        assertThatThrownBy(() -> Llama2cCheckpoint.open(write(header(64, 172, 5, 8, 3, 512, 512)), null))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("n_kv_heads");
        assertThatThrownBy(() -> Llama2cCheckpoint.open(write(header(64, 172, 5, 8, 4, 0, 512)), null))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("vocab_size");
        // Plausible header, weights missing: the error names the tensor that runs past the end.
        assertThatThrownBy(() -> Llama2cCheckpoint.open(write(header(65536, 262144, 1024, 64, 64, 4000000, 4096)), null))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("outside the file");
    }

    @Test
    void everyTruncationOfTheRealModelIsRefusedClearly() throws IOException {
        byte[] real = Files.readAllBytes(SharedData.require("models/stories260K/stories260K.bin"));
        Random random = new Random(11);
        for (int i = 0; i < 40; i++) {
            int cut = i == 0 ? real.length - 1 : random.nextInt(real.length - 1);
            Path p = write(java.util.Arrays.copyOf(real, cut));
            assertThatThrownBy(() -> Llama2cCheckpoint.open(p, null)).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining(p.toString())
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("truncated", "outside the file"));
            Files.delete(p);
        }
    }

    @Test
    void randomHeaderMutationsGiveOnlyTypedErrors() throws IOException {
        byte[] real = Files.readAllBytes(SharedData.require("models/stories260K/stories260K.bin"));
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            byte[] copy = real.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                copy[random.nextInt(28)] = (byte) random.nextInt(256);
            }
            Path p = write(copy);
            try (Llama2cCheckpoint opened = Llama2cCheckpoint.open(p, null)) {
                assertThat(opened.config().dim()).isPositive();  // a mutation may still describe a valid model
            } catch (FileFormatException expected) {
                // the only exception allowed
            }
            Files.delete(p);
        }
    }
}
