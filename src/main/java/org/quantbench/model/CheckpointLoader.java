package org.quantbench.model;

import org.quantbench.model.gguf.GgufCheckpoint;
import org.quantbench.model.gguf.GgufFile;
import org.quantbench.model.hf.HfFolderCheckpoint;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.model.tokenizer.Tokenizers;
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
     * @param tokenizer a tokenizer to use instead of the checkpoint's own (which llama2.c keeps in a separate
     *                  file), or null: a llama2.c tokenizer.bin, a HF folder or its tokenizer.json, or a .gguf
     */
    public static Checkpoint open(Path model, Path tokenizer) {
        if (!Files.exists(model)) {
            throw new FileFormatException(model, "path", "does not exist");
        }
        if (!Files.isDirectory(model) && !startsWith(model, "GGUF")) {
            return Llama2cCheckpoint.open(model, tokenizer);
        }
        Checkpoint checkpoint = Files.isDirectory(model) ? HfFolderCheckpoint.open(model) : GgufCheckpoint.open(model);
        if (tokenizer == null) {
            return checkpoint;
        }
        try {
            return new CheckpointWithTokenizer(checkpoint, readTokenizer(tokenizer, checkpoint.config().vocabSize()));
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    private static Tokenizer readTokenizer(Path file, int vocabSize) {
        if (!Files.exists(file)) {
            throw new FileFormatException(file, "path", "does not exist");
        }
        if (Files.isDirectory(file)) {
            return Tokenizers.fromHfFolder(file);
        }
        if (file.getFileName().toString().equals(HfFolderCheckpoint.TOKENIZER_FILE)) {
            return Tokenizers.fromHfFolder(file.toAbsolutePath().getParent());
        }
        if (startsWith(file, "GGUF")) {
            try (GgufFile gguf = GgufFile.open(file)) {
                return Tokenizers.fromVocabulary(gguf.vocabulary(), file);
            }
        }
        return Tokenizers.fromLlama2cFile(file, vocabSize);
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
