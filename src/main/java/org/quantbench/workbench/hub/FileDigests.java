package org.quantbench.workbench.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/** The checksums the Hub lists: sha256 of LFS files, and git's blob id (sha1 of "blob <size>\0" + content) of the rest. */
final class FileDigests {
    private FileDigests() {}

    static String sha256(Path file, BooleanSupplier cancelled) throws IOException {
        return digest("SHA-256", null, file, cancelled);
    }

    static String gitBlobSha1(Path file, BooleanSupplier cancelled) throws IOException {
        byte[] header = ("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII);
        return digest("SHA-1", header, file, cancelled);
    }

    private static String digest(String algorithm, byte[] header, Path file, BooleanSupplier cancelled)
            throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
        if (header != null) {
            md.update(header);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                md.update(buffer, 0, n);
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("cancelled while checking " + file.getFileName());
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
