package org.quantbench.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.safetensors.SafetensorsEntry;
import org.quantbench.export.safetensors.SafetensorsWriter;
import org.quantbench.model.safetensors.SafetensorsDType;
import org.quantbench.model.safetensors.SafetensorsFile;
import org.quantbench.model.safetensors.SafetensorsTensorInfo;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The disk cache of quantized models, keyed by model hash + scheme name (+ whether lm_head is quantized). An entry
 * is a folder holding {@code linears.safetensors} (every packed buffer as raw bytes, named
 * {@code <tensor>::<buffer>}, with its rows and columns) and {@code entry.json} (the scheme as JSON and its
 * provenance). Entries are written into a temporary folder and renamed, so a cancelled or failed quantization
 * never leaves a half-written entry under its final name.
 */
public final class QuantizedModelStore {
    static final String WEIGHTS = "linears.safetensors";
    static final String ENTRY = "entry.json";
    private static final String SEP = "::";
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
        return root.resolve("quantized").resolve(modelHash.substring(0, 16))
                .resolve(scheme.name() + (quantizeLmHead ? "+lm_head" : ""));
    }

    /** A stored layer's shape and packed buffers, mapped from the cache file. */
    public record StoredLinear(int rows, int cols, Map<String, MemorySegment> buffers) {
    }

    /** An opened entry; its buffers stay mapped until it is closed. */
    public record Entry(Path folder, ObjectNode description, Map<String, StoredLinear> linears, SafetensorsFile file)
            implements AutoCloseable {
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
            ObjectNode shapes = (ObjectNode) desc.required("shapes");
            for (SafetensorsTensorInfo info : file.tensorInfos()) {
                int cut = info.name().indexOf(SEP);
                if (cut < 0) {
                    throw new FileFormatException(weights, info.name(), "is not named <tensor>::<buffer>");
                }
                String tensor = info.name().substring(0, cut);
                var shape = shapes.required(tensor);
                StoredLinear stored = linears.computeIfAbsent(tensor, t -> new StoredLinear(shape.get(0).asInt(),
                        shape.get(1).asInt(), new LinkedHashMap<>()));
                stored.buffers().put(info.name().substring(cut + SEP.length()), file.bytes(info.name()));
            }
            return Optional.of(new Entry(folder, desc, linears, file));
        } catch (RuntimeException e) {
            file.close();
            if (e instanceof FileFormatException) {
                throw e;
            }
            throw new FileFormatException(description, "shapes", "does not match " + WEIGHTS + ": " + e.getMessage());
        }
    }

    /** Writes an entry atomically; {@code provenance} is stored in entry.json beside the scheme. */
    public void save(Path folder, Scheme scheme, Map<String, QuantizedLinear> linears, ObjectNode provenance) {
        try {
            Files.createDirectories(folder.getParent());
            Path tmp = Files.createTempDirectory(folder.getParent(), folder.getFileName() + ".tmp");
            try {
                List<SafetensorsEntry> entries = new ArrayList<>();
                ObjectNode desc = JSON.createObjectNode();
                desc.set("scheme", JSON.valueToTree(scheme));
                desc.put("scheme_name", scheme.name());
                desc.set("provenance", provenance);
                ObjectNode shapes = desc.putObject("shapes");
                for (var e : linears.entrySet()) {
                    QuantizedLinear q = e.getValue();
                    shapes.putArray(e.getKey()).add(q.outFeatures()).add(q.inFeatures());
                    for (var b : q.buffers().entrySet()) {
                        MemorySegment bytes = b.getValue();
                        entries.add(SafetensorsEntry.vector(e.getKey() + SEP + b.getKey(), SafetensorsDType.U8,
                                bytes.byteSize(), sink -> sink.writeBytes(bytes)));
                    }
                }
                SafetensorsWriter.write(tmp.resolve(WEIGHTS), entries, Map.of("format", "quantbench"));
                Files.writeString(tmp.resolve(ENTRY), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(desc));
                if (Files.exists(folder)) {
                    deleteTree(folder);
                }
                Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteTree(tmp);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache entry " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
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
