package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The model a run compares schemes on.
 *
 * @param path      a HF folder, a .gguf file or a llama2.c .bin; may use {@code ${QUANTBENCH_SHARED}} and {@code ${DEMO}}
 * @param tokenizer a tokenizer file when the model keeps none (llama2.c), else null
 * @param label     how tables name the base row, e.g. "base = Q4_1 dequantized" (default "base")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSource(String path, String tokenizer, String label) {
    public ModelSource {
        if (path == null || path.isBlank()) {
            throw new ConfigFieldException("path", "is required: a HF folder, a .gguf file or a llama2.c .bin");
        }
        if (label == null || label.isBlank()) {
            label = "base";
        }
    }
}
