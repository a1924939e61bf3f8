package org.quantbench.eval.results;

import org.quantbench.model.ModelFingerprint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A data file a result rests on, identified by its SHA-256. */
public record DataFile(String path, String sha256, long bytes) {

    public static DataFile of(Path file) {
        try {
            return new DataFile(file.toAbsolutePath().normalize().toString(), ModelFingerprint.hashFile(file), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file + ": " + e.getMessage(), e);
        }
    }
}
