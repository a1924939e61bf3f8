package org.quantbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ConvertCommandTest {
    private static final String STORIES = "models/stories260K/";

    @Test
    void convertsToGgufAndToAFolderAndSaysWhatItWrote(@TempDir Path dir) {
        String model = SharedData.require(STORIES + "stories260K.bin").toString();
        Path gguf = dir.resolve("stories-q8_0.gguf");
        CliRun toGguf = CliRun.of("convert", model, "--to", "gguf", "--out", gguf.toString(), "--dtype", "q8_0");
        assertThat(toGguf.exit()).as(toGguf.err()).isZero();
        assertThat(toGguf.out()).contains("wrote " + gguf.toAbsolutePath(), "(gguf, q8_0)", "47 tensors")
                .contains("note: 5 matrices stored as F16");
        try (Checkpoint ckpt = CheckpointLoader.open(gguf, null)) {
            assertThat(ckpt.tokenizer()).isPresent();
        }

        Path folder = dir.resolve("hf");
        CliRun toHf = CliRun.of("convert", model, "--to", "safetensors", "--out", folder.toString(), "--dtype", "bf16");
        assertThat(toHf.exit()).as(toHf.err()).isZero();
        assertThat(toHf.out()).contains("(safetensors, bf16)", "config.json", "model.safetensors", "no tokenizer.json");
        assertThat(folder.resolve("model.safetensors")).isRegularFile();
    }

    @Test
    void refusesUnknownFormatsDtypesAFormatCannotHoldAndBusyFolders(@TempDir Path dir) throws IOException {
        String model = SharedData.require(STORIES + "stories260K.bin").toString();
        Path out = dir.resolve("out");

        CliRun unknownFormat = CliRun.of("convert", model, "--to", "onnx", "--out", out.toString());
        assertThat(unknownFormat.exit()).isEqualTo(2);
        assertThat(unknownFormat.err()).contains("unknown --to 'onnx'", "gguf or safetensors");

        CliRun quantizedFolder = CliRun.of("convert", model, "--to", "safetensors", "--out", out.toString(), "--dtype", "q4_0");
        assertThat(quantizedFolder.exit()).isEqualTo(2);
        assertThat(quantizedFolder.err()).contains("safetensors export cannot hold", "f32, f16, bf16");

        CliRun unknownDtype = CliRun.of("convert", model, "--to", "gguf", "--out", out + ".gguf", "--dtype", "q3_k");
        assertThat(unknownDtype.exit()).isEqualTo(2);
        assertThat(unknownDtype.err()).contains("unknown --dtype 'q3_k'");

        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("notes.txt"), "keep me");
        CliRun busyFolder = CliRun.of("convert", model, "--to", "safetensors", "--out", busy.toString());
        assertThat(busyFolder.exit()).isEqualTo(2);
        assertThat(busyFolder.err()).contains("not empty");

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("busy");
        }
        assertThat(Files.readString(busy.resolve("notes.txt"))).isEqualTo("keep me");
    }
}
