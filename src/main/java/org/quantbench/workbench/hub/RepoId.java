package org.quantbench.workbench.hub;

import java.util.regex.Pattern;

/** A Hub model repository id, {@code owner/name} (or a bare legacy name), checked before it reaches a URL or a path. */
public record RepoId(String value) {
    // The Hub's own rule: letters, digits, '-', '_', '.', at most 96 characters per part, no '--' or '..'.
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");

    public RepoId {
        if (value == null) {
            throw new IllegalArgumentException("repository id is missing");
        }
        value = value.strip();
        String[] parts = value.split("/", -1);
        boolean ok = parts.length <= 2;
        for (String part : parts) {
            ok &= PART.matcher(part).matches() && !part.contains("--") && !part.contains("..") && !part.endsWith(".");
        }
        if (!ok) {
            throw new IllegalArgumentException("'" + value + "' is not a Hub repository id (expected owner/name)");
        }
    }

    /** The folder the HF cache keeps this model repository in: {@code models--owner--name}. */
    public String cacheFolderName() {
        return "models--" + value.replace("/", "--");
    }

    @Override
    public String toString() {
        return value;
    }
}
