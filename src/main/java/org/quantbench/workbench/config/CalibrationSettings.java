package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Calibration data for schemes that need it (GPTQ, AWQ, SmoothQuant, AutoRound, AQLM): {@code samples} sequences of
 * {@code tokens} tokens drawn from {@code file} with {@code seed}. It must never be the evaluation split.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CalibrationSettings(String file, Integer samples, Integer tokens, Long seed) {
    public CalibrationSettings {
        if (file == null || file.isBlank()) {
            throw new ConfigFieldException("file", "is required: the calibration text");
        }
        samples = Positive.orDefault("samples", samples, 32);
        tokens = Positive.orDefault("tokens", tokens, 512);
        seed = seed == null ? 0L : seed;
    }
}
