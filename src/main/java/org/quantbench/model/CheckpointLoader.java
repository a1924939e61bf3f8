package org.quantbench.model;

import org.quantbench.model.gguf.GgufCheckpoint;
import org.quantbench.model.hf.HfFolderCheckpoint;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens any supported checkpoint, telling the format from the path and the file's magic bytes. */
public final class CheckpointLoader {
    private CheckpointLoader() {}

    /**
     * @param model     a HF folder, a .gguf file or a llama2.c .bin
     * @param tokenizer a separate tokenizer file where the format needs one (llama2.c), or null
     */
    public static Checkpoint open(Path model, Path tokenizer) {
        if (!Files.exists(model)) {
            throw new FileFormatException(model, "path", "does not exist");
        }
        if (Files.isDirectory(model)) {
            return HfFolderCheckpoint.open(model);
        }
        if (startsWith(model, "GGUF")) {
            return GgufCheckpoint.open(model);
        }
        return Llama2cCheckpoint.open(model, tokenizer);
    }

    private static boolean startsWith(Path file, String magic) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(magic.length());
            return new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).equals(magic);
        } catch (IOException e) {
            throw new FileFormatException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
    }
}
