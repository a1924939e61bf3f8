package org.quantbench.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * What a {@link QuantizedModelStore} holds on disk: its finished entries and the folders of quantizations that did not
 * finish (a calibration run's {@code <entry>.partial}, which the next run of the same entry continues, or the
 * temporary folder of a process that died), with their sizes, so a user can see what the cache costs and remove
 * what is no longer wanted.
 */
public final class CacheContents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CacheContents() {}

    /**
     * One folder of the cache.
     *
     * @param modelHash  the first 16 hex digits of the model's SHA-256 (the folder the entry sits in)
     * @param name       the entry's folder name (scheme, lm_head, calibration tag; with its unfinished suffix)
     * @param finished   whether it is a usable entry
     * @param resumable  an unfinished calibration run's folder, which the next run of the same quantization continues
     *                   (other unfinished folders were left by a process that died and only take space)
     * @param layersDone for an unfinished calibration run, the layers its saved place covers
     * @param layers     the model's layers, when the saved place records them
     * @param inUse      a quantization is writing it now
     */
    public record Folder(Path path, String modelHash, String name, boolean finished, boolean resumable, long bytes,
                         Instant modified, OptionalInt layersDone, OptionalInt layers, boolean inUse) {

        /** What the folder is, in words: "finished", or why it is not and what the next run of it does. */
        public String state() {
            if (finished) {
                return "finished";
            }
            if (!resumable) {
                return "unfinished: left by a quantization that stopped; nothing to continue";
            }
            String saved = layersDone.isEmpty() ? "nothing saved yet"
                    : layersDone.getAsInt() + (layers.isPresent() ? " of " + layers.getAsInt() : "") + " layers saved";
            return "unfinished: " + saved + (inUse ? "; running now" : "; the same quantization continues it");
        }
    }

    /** Every entry folder of the store, finished ones first, then by model and name. */
    public static List<Folder> list(QuantizedModelStore store) {
        Path quantized = store.root().resolve("quantized");
        List<Folder> out = new ArrayList<>();
        if (!Files.isDirectory(quantized)) {
            return out;
        }
        try (Stream<Path> models = Files.list(quantized)) {
            for (Path model : models.filter(Files::isDirectory).toList()) {
                try (Stream<Path> entries = Files.list(model)) {
                    for (Path entry : entries.filter(Files::isDirectory).toList()) {
                        out.add(describe(model.getFileName().toString(), entry));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the cache " + quantized + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing((Folder f) -> !f.finished()).thenComparing(Folder::modelHash).thenComparing(Folder::name));
        return out;
    }

    /**
     * Deletes one folder {@link #list} gave.
     *
     * @throws IllegalStateException when a quantization is writing it
     */
    public static void delete(Folder folder) {
        if (isLocked(folder.path())) {
            throw new IllegalStateException(folder.path() + " is being written by a running quantization");
        }
        try {
            QuantizedModelStore.deleteTree(folder.path());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder.path() + ": " + e.getMessage(), e);
        }
    }

    private static Folder describe(String model, Path entry) throws IOException {
        boolean finished = Files.isRegularFile(entry.resolve(QuantizedModelStore.ENTRY))
                && Files.isRegularFile(entry.resolve(QuantizedModelStore.WEIGHTS));
        long bytes = 0;
        Instant modified = Files.getLastModifiedTime(entry).toInstant();
        try (Stream<Path> files = Files.walk(entry)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                bytes += Files.size(f);
                Instant m = Files.getLastModifiedTime(f).toInstant();
                modified = m.isAfter(modified) ? m : modified;
            }
        }
        OptionalInt done = OptionalInt.empty();
        OptionalInt layers = OptionalInt.empty();
        if (!finished) {
            JsonNode place = savedPlace(entry.resolve(QuantizedModelStore.CHECKPOINT));
            if (place != null && place.path("next_layer").canConvertToInt()) {
                done = OptionalInt.of(place.path("next_layer").asInt());
                if (place.path("layers").canConvertToInt()) {
                    layers = OptionalInt.of(place.path("layers").asInt());
                }
            }
        }
        String name = entry.getFileName().toString();
        return new Folder(entry, model, name, finished, !finished && name.endsWith(QuantizedModelStore.PARTIAL), bytes,
                modified, done, layers, !finished && isLocked(entry));
    }

    /** The place of a readable checkpoint, else null (a damaged one is the next run's business, not the listing's). */
    private static JsonNode savedPlace(Path checkpoint) {
        try {
            if (!Files.isRegularFile(checkpoint) || Files.size(checkpoint) > QuantizedModelStore.MAX_CHECKPOINT_BYTES) {
                return null;
            }
            JsonNode place = JSON.readTree(checkpoint.toFile()).path("place");
            return place.isObject() ? place : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether a writer holds the folder's lock (in this process or another). */
    private static boolean isLocked(Path entry) {
        Path lock = entry.resolve(QuantizedModelStore.LOCK);
        if (!Files.isRegularFile(lock)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = ch.tryLock();
            if (held == null) {
                return true;
            }
            held.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
