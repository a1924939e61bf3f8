package org.quantbench.eval.results;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The model a result was measured on: its path and SHA-256 ({@link org.quantbench.model.ModelFingerprint}), and the
 * scheme it ran under: the scheme's short name and full JSON, or {@code "base"} and null for the weights as stored.
 */
public record ModelIdentity(String path, String sha256, String scheme, JsonNode schemeJson) {
    public static final String BASE = "base";

    public ModelIdentity {
        // JSON null reads back as a NullNode: keep one representation of "no scheme".
        schemeJson = schemeJson == null || schemeJson.isNull() ? null : schemeJson;
    }
}
