package org.quantbench.export;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a whole folder (a HF model) under a temporary name beside the target and renames it into place only
 * once every file is complete, so a failed or cancelled export leaves nothing under the final name. The target
 * must not exist yet or be an empty folder: an export never mixes its files with someone else's.
 */
public final class AtomicFolderWriter {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Fills the temporary folder, which starts empty. */
    @FunctionalInterface
    public interface Body {
        void write(Path folder) throws IOException;
    }

    private AtomicFolderWriter() {}

    /**
     * @throws IllegalArgumentException when the target is a file or a folder with something in it
     */
    public static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        checkTarget(absolute);
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path temp = parent.resolve("." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        Files.createDirectory(temp);
        try {
            body.write(temp);
            if (Files.isDirectory(absolute)) {
                Files.delete(absolute); // empty, as checked; a rename cannot replace it otherwise
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            try {
                deleteTree(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static void checkTarget(Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            throw new IllegalArgumentException(target + " is a file; a model folder cannot replace it");
        }
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
                if (entries.iterator().hasNext()) {
                    throw new IllegalArgumentException(target + " is a folder that is not empty; choose a new or empty folder");
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
