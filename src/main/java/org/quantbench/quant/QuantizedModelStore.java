package org.quantbench.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.safetensors.SafetensorsEntry;
import org.quantbench.export.safetensors.SafetensorsWriter;
import org.quantbench.export.safetensors.TensorSink;
import org.quantbench.model.safetensors.SafetensorsDType;
import org.quantbench.model.safetensors.SafetensorsFile;
import org.quantbench.model.safetensors.SafetensorsTensorInfo;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.SoftwareVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The disk cache of quantized models, keyed by model hash + scheme name (+ whether lm_head is quantized, + the
 * calibration batch of calibration schemes). An entry
 * is a folder holding {@code linears.safetensors} (every packed buffer as raw bytes, named
 * {@code <tensor>::<buffer>}, with its rows and columns; replaced norm vectors as float32 {@code <norm>::norm}) and
 * {@code entry.json} (the scheme as JSON and its
 * provenance). Entries are written into a temporary folder and renamed, so a cancelled or failed quantization
 * never leaves a half-written entry under its final name. A calibration run's folder, {@code <entry>.partial}, is
 * kept when the run is cancelled or the process dies, and the next run of the same entry continues from it.
 */
public final class QuantizedModelStore {
    static final String WEIGHTS = "linears.safetensors";
    static final String ENTRY = "entry.json";
    private static final String SEP = "::";
    private static final String NORM = "norm";
    private static final java.lang.foreign.ValueLayout.OfFloat F32 =
            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final String PARTIAL = ".partial";
    static final String LOCK = "lock";
    static final String CHECKPOINT = "checkpoint.json";
    static final long MAX_CHECKPOINT_BYTES = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public QuantizedModelStore(Path root) {
        this.root = root;
    }

    /** {@code $QUANTBENCH_CACHE}, else {@code ~/.cache/quantbench}. */
    public static Path defaultCacheRoot() {
        String env = System.getenv("QUANTBENCH_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "quantbench");
    }

    public Path root() { return root; }

    public Path entry(String modelHash, Scheme scheme, boolean quantizeLmHead) {
        return entry(modelHash, scheme, quantizeLmHead, null);
    }

    /**
     * The folder of an entry; {@code calibrationTag} (see {@link org.quantbench.quant.calib.CalibrationData#cacheTag})
     * names the calibration batch of a calibration scheme (data hash, N, L, seed), null for data-free schemes.
     */
    public Path entry(String modelHash, Scheme scheme, boolean quantizeLmHead, String calibrationTag) {
        return root.resolve("quantized").resolve(modelHash.substring(0, 16))
                .resolve(scheme.name() + (quantizeLmHead ? "+lm_head" : "") + (calibrationTag != null ? "+" + calibrationTag : ""));
    }

    /** A stored layer's shape and packed buffers, mapped from the cache file. */
    public record StoredLinear(int rows, int cols, Map<String, MemorySegment> buffers) {
    }

    /**
     * An opened entry; its buffers stay mapped until it is closed. {@code norms}: the norm vectors a calibration
     * method replaced (AWQ, SmoothQuant), by canonical name.
     */
    public record Entry(Path folder, ObjectNode description, Map<String, StoredLinear> linears, Map<String, float[]> norms,
                        SafetensorsFile file) implements AutoCloseable {
        @Override
        public void close() {
            file.close();
        }
    }

    public Optional<Entry> open(Path folder) {
        Path weights = folder.resolve(WEIGHTS);
        Path description = folder.resolve(ENTRY);
        if (!Files.isRegularFile(weights) || !Files.isRegularFile(description)) {
            return Optional.empty();
        }
        ObjectNode desc;
        try {
            desc = (ObjectNode) JSON.readTree(description.toFile());
        } catch (IOException | ClassCastException e) {
            throw new FileFormatException(description, "entry", "is not a cache entry: " + e.getMessage());
        }
        SafetensorsFile file = SafetensorsFile.open(weights);
        try {
            Map<String, StoredLinear> linears = new LinkedHashMap<>();
            Map<String, float[]> norms = new LinkedHashMap<>();
            ObjectNode shapes = (ObjectNode) desc.required("shapes");
            for (SafetensorsTensorInfo info : file.tensorInfos()) {
                int cut = info.name().indexOf(SEP);
                if (cut < 0) {
                    throw new FileFormatException(weights, info.name(), "is not named <tensor>::<buffer>");
                }
                String tensor = info.name().substring(0, cut);
                var shape = shapes.required(tensor);
                if (info.name().substring(cut + SEP.length()).equals(NORM)) {
                    norms.put(tensor, normValues(weights, info.name(), file.bytes(info.name()), shape.get(1).asInt()));
                    continue;
                }
                StoredLinear stored = linears.computeIfAbsent(tensor, t -> new StoredLinear(shape.get(0).asInt(),
                        shape.get(1).asInt(), new LinkedHashMap<>()));
                stored.buffers().put(info.name().substring(cut + SEP.length()), file.bytes(info.name()));
            }
            return Optional.of(new Entry(folder, desc, linears, norms, file));
        } catch (RuntimeException e) {
            file.close();
            if (e instanceof FileFormatException) {
                throw e;
            }
            throw new FileFormatException(description, "shapes", "does not match " + WEIGHTS + ": " + e.getMessage());
        }
    }

    private static float[] normValues(Path file, String name, MemorySegment bytes, int length) {
        if (bytes.byteSize() != 4L * length) {
            throw new FileFormatException(file, name, "holds " + bytes.byteSize() + " bytes for a norm of " + length);
        }
        float[] v = new float[length];
        MemorySegment.copy(bytes, F32, 0, v, 0, length);
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new FileFormatException(file, name, "holds " + x);
            }
        }
        return v;
    }

    /**
     * Starts an entry that takes its linears one at a time (see {@link EntryWriter}); replacement norm vectors are
     * stored as float32 {@code <name>::norm}, the provenance in entry.json beside the scheme.
     */
    public EntryWriter writer(Path folder) {
        try {
            Files.createDirectories(folder.getParent());
            return new EntryWriter(folder, Files.createTempDirectory(folder.getParent(), folder.getFileName() + ".tmp"),
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache entry " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #writer}, in a folder named {@code <entry>.partial} that survives the process: the linears added and
     * a caller's place saved with {@link EntryWriter#savePlace} are found again by the next resumable writer of the
     * same entry, which continues from there. A saved state that does not hold together (another software version,
     * a parts file shorter than recorded) is discarded, with a line to {@code notes}, and the entry starts over.
     *
     * @throws IllegalStateException when another writer, in this process or another, holds the folder
     */
    public EntryWriter resumableWriter(Path folder, Consumer<String> notes) {
        Path work = folder.resolveSibling(folder.getFileName() + PARTIAL);
        FileChannel lockFile = null;
        try {
            Files.createDirectories(work);
            lockFile = FileChannel.open(work.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("another quantization is writing the cache entry " + folder + " (" + work
                        + " is locked)");
            }
            EntryWriter writer = new EntryWriter(folder, work, lockFile);
            writer.restore(notes);
            return writer;
        } catch (IOException e) {
            closeQuietly(lockFile);
            throw new UncheckedIOException("cannot write the cache entry " + folder + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lockFile);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing after a failure already being reported
        }
    }

    /**
     * An entry written as its linears are produced: each one's packed buffers go to a parts file in the entry's
     * temporary folder at once, so a quantization need not keep a whole model's packed layers in memory (3.5 GB at 8B
     * and 4 bits). {@link #finish} writes {@code linears.safetensors} from the parts (read back in 1 MiB pieces, never
     * mapped, so the copy adds nothing to the process's resident set) and renames the folder into place; closing an
     * unfinished writer deletes it, so nothing half-written ever sits under the final name. A resumable writer's
     * folder is kept instead when {@link #keepForResume} was called (or when the process dies).
     */
    public static final class EntryWriter implements AutoCloseable {
        private static final String PARTS = "linears.parts";
        private static final int CHUNK = 1 << 20;

        private record Part(String name, long offset, long length) {}

        private final Path folder;
        private final Path tmp;
        /** The held lock of a resumable writer's folder; null for a one-shot writer. */
        private final FileChannel lockFile;
        private final FileChannel parts;
        private final List<Part> written = new ArrayList<>();
        private final Map<String, int[]> shapes = new LinkedHashMap<>();
        private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        private final MemorySegment chunkSegment = MemorySegment.ofBuffer(chunk);
        private ObjectNode savedPlace;
        private long end;
        private boolean finished;
        private boolean keep;

        private EntryWriter(Path folder, Path tmp, FileChannel lockFile) throws IOException {
            this.folder = folder;
            this.tmp = tmp;
            this.lockFile = lockFile;
            this.parts = lockFile == null
                    ? FileChannel.open(tmp.resolve(PARTS), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                            StandardOpenOption.WRITE)
                    : FileChannel.open(tmp.resolve(PARTS), StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
        }

        /** The folder this writer works in: a caller's own files for resuming belong there. */
        public Path workFolder() { return tmp; }

        /** The place a previous writer saved with {@link #savePlace}, or null when the entry starts afresh. */
        public ObjectNode savedPlace() { return savedPlace; }

        /**
         * Records {@code place} together with every linear added so far, durably and atomically: the next resumable
         * writer of this entry gets both back, or (had this call not finished) the previous pair.
         */
        public void savePlace(ObjectNode place) {
            requireResumable();
            try {
                parts.force(false);
                ObjectNode state = JSON.createObjectNode();
                state.put("software", SoftwareVersion.VERSION);
                state.put("end", end);
                ArrayNode list = state.putArray("parts");
                for (Part p : written) {
                    list.addObject().put("name", p.name()).put("offset", p.offset()).put("length", p.length());
                }
                ObjectNode shapeNode = state.putObject("shapes");
                shapes.forEach((name, shape) -> shapeNode.putArray(name).add(shape[0]).add(shape[1]));
                state.set("place", place);
                Path next = tmp.resolve(CHECKPOINT + ".next");
                Files.writeString(next, JSON.writeValueAsString(state));
                Files.move(next, tmp.resolve(CHECKPOINT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                savedPlace = place;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the place of " + tmp + ": " + e.getMessage(), e);
            }
        }

        /** Leaves the folder for the next resumable writer when this one is closed unfinished. */
        public void keepForResume() {
            requireResumable();
            keep = true;
        }

        /** Forgets what an earlier writer saved (the caller found its place unusable): the entry starts afresh. */
        public void discardSaved() {
            requireResumable();
            try {
                written.clear();
                shapes.clear();
                end = 0;
                parts.truncate(0);
                savedPlace = null;
                Files.deleteIfExists(tmp.resolve(CHECKPOINT));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reset " + tmp + ": " + e.getMessage(), e);
            }
        }

        private void requireResumable() {
            if (lockFile == null) {
                throw new IllegalStateException(folder + " is written by a one-shot writer");
            }
        }

        /** Takes back what the checkpoint records, or starts afresh when there is none or it does not hold together. */
        private void restore(Consumer<String> notes) throws IOException {
            Path file = tmp.resolve(CHECKPOINT);
            if (Files.isRegularFile(file)) {
                try {
                    readCheckpoint(file);
                    return;
                } catch (IOException | RuntimeException e) {
                    notes.accept("starting " + folder.getFileName() + " afresh: the unfinished run's " + file + " "
                            + e.getMessage());
                }
            }
            discardSaved();
        }

        private void readCheckpoint(Path file) throws IOException {
            if (Files.size(file) > MAX_CHECKPOINT_BYTES) {
                throw new IOException("is larger than " + MAX_CHECKPOINT_BYTES + " bytes");
            }
            JsonNode state = JSON.readTree(file.toFile());
            if (!SoftwareVersion.VERSION.equals(state.path("software").asText())) {
                throw new IOException("was written by QuantBench " + state.path("software").asText() + ", not "
                        + SoftwareVersion.VERSION);
            }
            long at = 0;
            for (JsonNode p : state.required("parts")) {
                long offset = p.required("offset").asLong();
                long length = p.required("length").asLong();
                String name = p.required("name").asText();
                int cut = name.indexOf(SEP);
                if (offset != at || length < 0 || cut < 0) {
                    throw new IOException("lists part " + name + " at " + offset + " (+" + length + "), expected at " + at);
                }
                JsonNode shape = state.required("shapes").path(name.substring(0, cut));
                if (shape.size() != 2 || shape.get(0).asInt() < 1 || shape.get(1).asInt() < 1) {
                    throw new IOException("has no shape for " + name);
                }
                shapes.put(name.substring(0, cut), new int[] {shape.get(0).asInt(), shape.get(1).asInt()});
                written.add(new Part(name, offset, length));
                at = offset + length;
            }
            if (at != state.required("end").asLong() || parts.size() < at) {
                throw new IOException("records " + at + " bytes of parts, the parts file holds " + parts.size());
            }
            if (!(state.required("place") instanceof ObjectNode place)) {
                throw new IOException("holds no place");
            }
            parts.truncate(at);
            end = at;
            savedPlace = place;
        }

        /** Appends one linear's buffers; the caller may drop it afterwards. */
        public void add(String name, QuantizedLinear q) {
            if (shapes.putIfAbsent(name, new int[] {q.outFeatures(), q.inFeatures()}) != null) {
                throw new IllegalArgumentException("linear " + name + " added twice to " + folder);
            }
            try {
                for (var b : q.buffers().entrySet()) {
                    MemorySegment bytes = b.getValue();
                    for (long done = 0; done < bytes.byteSize(); ) {
                        int n = (int) Math.min(CHUNK, bytes.byteSize() - done);
                        MemorySegment.copy(bytes, done, chunkSegment, 0, n);
                        chunk.clear().limit(n);
                        while (chunk.hasRemaining()) {
                            parts.write(chunk, end + done + chunk.position());
                        }
                        done += n;
                    }
                    written.add(new Part(name + SEP + b.getKey(), end, bytes.byteSize()));
                    end += bytes.byteSize();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the cache entry " + folder + ": " + e.getMessage(), e);
            }
        }

        /** Writes the entry's files and moves the folder to its final name (replacing an older entry). */
        public void finish(Scheme scheme, Map<String, float[]> norms, ObjectNode provenance) {
            try {
                List<SafetensorsEntry> entries = new ArrayList<>();
                ObjectNode desc = JSON.createObjectNode();
                desc.set("scheme", JSON.valueToTree(scheme));
                desc.put("scheme_name", scheme.name());
                desc.set("provenance", provenance);
                ObjectNode shapeNode = desc.putObject("shapes");
                shapes.forEach((name, shape) -> shapeNode.putArray(name).add(shape[0]).add(shape[1]));
                for (Part part : written) {
                    entries.add(SafetensorsEntry.vector(part.name(), SafetensorsDType.U8, part.length(),
                            sink -> copy(part, sink)));
                }
                for (var e : norms.entrySet()) {
                    float[] v = e.getValue();
                    shapeNode.putArray(e.getKey()).add(1).add(v.length);
                    MemorySegment bytes = MemorySegment.ofArray(new byte[4 * v.length]);
                    MemorySegment.copy(v, 0, bytes, F32, 0, v.length);
                    entries.add(SafetensorsEntry.vector(e.getKey() + SEP + NORM, SafetensorsDType.U8, bytes.byteSize(),
                            sink -> sink.writeBytes(bytes)));
                }
                SafetensorsWriter.write(tmp.resolve(WEIGHTS), entries, Map.of("format", "quantbench"));
                parts.close();
                try (Stream<Path> files = Files.list(tmp)) {
                    for (Path f : files.toList()) {
                        String name = f.getFileName().toString();
                        if (!name.equals(WEIGHTS) && !name.equals(LOCK)) {
                            deleteTree(f);
                        }
                    }
                }
                Files.writeString(tmp.resolve(ENTRY), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(desc));
                if (Files.exists(folder)) {
                    deleteTree(folder);
                }
                Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
                finished = true;
                if (lockFile != null) {
                    // released only now, so no other writer takes the folder between the last write and the move
                    lockFile.close();
                    Files.delete(folder.resolve(LOCK));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the cache entry " + folder + ": " + e.getMessage(), e);
            }
        }

        private void copy(Part part, TensorSink sink) throws IOException {
            for (long at = part.offset(), stop = part.offset() + part.length(); at < stop; ) {
                chunk.clear().limit((int) Math.min(CHUNK, stop - at));
                int n = parts.read(chunk, at);
                if (n < 0) {
                    throw new IOException(PARTS + " ends early at byte " + at);
                }
                at += n;
                chunk.flip();
                sink.writeBytes(chunk);
            }
        }

        /** Deletes the temporary folder unless the entry was finished or is kept for resuming. */
        @Override
        public void close() {
            if (finished) {
                return;
            }
            try {
                parts.close();
                if (lockFile != null) {
                    lockFile.close();
                }
                if (!keep) {
                    deleteTree(tmp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the unfinished cache entry " + tmp + ": " + e.getMessage(), e);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
