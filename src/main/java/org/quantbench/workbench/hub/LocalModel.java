package org.quantbench.workbench.hub;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A model found on disk that {@code CheckpointLoader.open} can read: a HF folder (config.json + safetensors), a
 * GGUF file or a llama2.c checkpoint. Models from the HF cache carry their repository id, commit and the refs
 * (branches, tags) that point at that commit; {@code problem} says why one may not open (an unfinished download).
 */
public record LocalModel(String label, Kind kind, Path path, long sizeBytes, Optional<String> repoId,
                         Optional<String> commit, List<String> refs, Optional<String> problem) {

    public enum Kind { HF_FOLDER, GGUF, LLAMA2C }

    public LocalModel {
        refs = List.copyOf(refs);
    }
}
