package org.quantbench.workbench.results;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes one step's results the same measurement: model file hash, scheme, step, metric definition (hashed) and
 * data hash. A run skips a step whose key already has rows (resume) and links them to itself instead.
 */
public record StepKey(String modelSha256, String scheme, String step, String definitionSha256, String dataSha256) {

    public static StepKey of(String modelSha256, String scheme, String step, String definition, String dataSha256) {
        return new StepKey(modelSha256, scheme, step, sha256(definition), dataSha256);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
