package org.quantbench.export.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.AtomicFileWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Writes a model's tensors into a HF folder as model.safetensors, or, when they exceed {@code maxShardBytes}, as
 * model-0000i-of-0000n.safetensors shards plus model.safetensors.index.json (written last, so a folder with an
 * index has all its shards). Tensors keep their order; a tensor larger than the limit gets a shard of its own.
 */
public final class ShardedSafetensorsWriter {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private ShardedSafetensorsWriter() {}

    /** Returns the files written (shards, then the index when there is one). */
    public static List<Path> write(Path folder, List<SafetensorsEntry> tensors, Map<String, String> metadata,
                                   long maxShardBytes) throws IOException {
        return write(folder, tensors, metadata, maxShardBytes, bytes -> { });
    }

    public static List<Path> write(Path folder, List<SafetensorsEntry> tensors, Map<String, String> metadata,
                                   long maxShardBytes, LongConsumer progress) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        Files.createDirectories(folder);
        List<List<SafetensorsEntry>> shards = split(tensors, maxShardBytes);
        if (shards.size() == 1) {
            Path file = folder.resolve(SINGLE_FILE);
            SafetensorsWriter.write(file, shards.getFirst(), metadata, progress);
            Files.deleteIfExists(folder.resolve(INDEX_FILE)); // it would take precedence over the new file
            return List.of(file);
        }
        List<Path> written = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>();
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Path file = folder.resolve(name);
            SafetensorsWriter.write(file, shards.get(i), metadata, progress);
            written.add(file);
            for (SafetensorsEntry entry : shards.get(i)) {
                weightMap.put(entry.name(), name);
                totalSize += entry.byteLength();
            }
        }
        Path index = folder.resolve(INDEX_FILE);
        AtomicFileWriter.writeString(index, indexJson(totalSize, weightMap));
        Files.deleteIfExists(folder.resolve(SINGLE_FILE));
        written.add(index);
        return written;
    }

    /** Greedy in order: a new shard starts when the next tensor would push the current one past the limit. */
    static List<List<SafetensorsEntry>> split(List<SafetensorsEntry> tensors, long maxShardBytes) {
        List<List<SafetensorsEntry>> shards = new ArrayList<>();
        List<SafetensorsEntry> current = new ArrayList<>();
        long bytes = 0;
        for (SafetensorsEntry entry : tensors) {
            if (!current.isEmpty() && bytes + entry.byteLength() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(entry);
            bytes += entry.byteLength();
        }
        shards.add(current);
        return shards;
    }

    /** The index as transformers writes it: total_size counts tensor bytes only, weight_map sorted by name. */
    private static String indexJson(long totalSize, Map<String, String> weightMap) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.putObject("metadata").put("total_size", totalSize);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
    }
}
