package org.quantbench.model.hf;

import org.quantbench.model.json.CheckedObject;
import org.quantbench.model.json.StrictJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * The token ids of generation_config.json. The file is optional and read leniently: ids of the wrong type are
 * skipped; only a file that is not JSON at all is an error.
 */
public record HfGenerationConfig(OptionalInt bosTokenId, List<Integer> eosTokenIds) {
    public static final String FILE_NAME = "generation_config.json";
    public static final HfGenerationConfig NONE = new HfGenerationConfig(OptionalInt.empty(), List.of());

    public HfGenerationConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** From {@code folder}'s generation_config.json, or {@link #NONE} when it has none. */
    public static HfGenerationConfig read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return NONE;
        }
        CheckedObject json = StrictJson.readObjectFile(file);
        return new HfGenerationConfig(json.lenientInt("bos_token_id"), json.lenientInts("eos_token_id"));
    }
}
