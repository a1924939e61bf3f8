package org.quantbench.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The SHA-256 that identifies a model in results and cache keys: of the file, or for a folder of each regular file
 * (name and content, in name order). Hashing a 16 GB folder takes seconds, so results are remembered beside the cache,
 * keyed by path, size and modification time.
 */
public final class ModelFingerprint {
    private ModelFingerprint() {}

    public static String sha256(Path model, Path memoDir) {
        try {
            List<Path> files = files(model);
            StringBuilder key = new StringBuilder(model.toAbsolutePath().normalize().toString());
            for (Path f : files) {
                key.append('|').append(f.getFileName()).append(':').append(Files.size(f)).append(':')
                        .append(Files.getLastModifiedTime(f).toMillis());
            }
            Path memo = memoDir == null ? null : memoDir.resolve(hex(digest().digest(key.toString().getBytes(StandardCharsets.UTF_8))));
            if (memo != null && Files.isRegularFile(memo)) {
                String cached = Files.readString(memo).strip();
                if (cached.matches("[0-9a-f]{64}")) {
                    return cached;
                }
            }
            String hash = files.size() == 1 && files.getFirst().equals(model) ? hashFile(files.getFirst()) : hashFolder(files);
            if (memo != null) {
                Files.createDirectories(memoDir);
                Path tmp = Files.createTempFile(memoDir, "hash", ".tmp");
                Files.writeString(tmp, hash);
                Files.move(tmp, memo, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + model + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> files(Path model) throws IOException {
        if (!Files.isDirectory(model)) {
            return List.of(model);
        }
        try (Stream<Path> s = Files.list(model)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String hashFolder(List<Path> files) throws IOException {
        MessageDigest d = digest();
        for (Path f : files) {
            d.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(hashFile(f).getBytes(StandardCharsets.US_ASCII));
        }
        return hex(d.digest());
    }

    public static String hashFile(Path file) throws IOException {
        MessageDigest d = digest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return hex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
