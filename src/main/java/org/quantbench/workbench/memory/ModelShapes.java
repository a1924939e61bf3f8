package org.quantbench.workbench.memory;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.hf.HfConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shape of a model on disk without reading its weights: a config.json alone (enough for a 405B model whose
 * weights are not here), a HF folder's config.json, or the header of a GGUF or llama2.c file (mapped, not read).
 */
public final class ModelShapes {
    private ModelShapes() {}

    public static ModelConfig read(Path path) {
        if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(HfConfig.FILE_NAME))) {
            return HfConfig.read(path.resolve(HfConfig.FILE_NAME)).model();
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".json")) {
            return HfConfig.read(path).model();
        }
        try (Checkpoint checkpoint = CheckpointLoader.open(path, null)) {
            return checkpoint.config();
        }
    }
}
