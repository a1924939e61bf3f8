package org.quantbench.model.hf;

import org.quantbench.model.json.CheckedObject;
import org.quantbench.model.json.StrictJson;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * model.safetensors.index.json of a sharded checkpoint: {"weight_map": {tensor: shard file}}. Shard names must be
 * plain file names, so an index cannot point outside its folder.
 */
public record HfShardIndex(Path file, Map<String, String> weightMap) {
    public static final String FILE_NAME = "model.safetensors.index.json";
    /** Real checkpoints have at most a few hundred shards. */
    static final int MAX_SHARDS = 4096;

    public HfShardIndex {
        weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
    }

    public static HfShardIndex read(Path file) {
        CheckedObject json = StrictJson.readObjectFile(file);
        CheckedObject map = json.object("weight_map");
        Map<String, String> weightMap = new LinkedHashMap<>();
        Set<String> shards = new HashSet<>();
        for (String tensor : map.fieldNames()) {
            String shard = map.string(tensor);
            if (!isPlainFileName(shard)) {
                throw map.error(tensor, "shard \"" + shard + "\" is not a plain file name inside the model folder");
            }
            if (shards.add(shard) && shards.size() > MAX_SHARDS) {
                throw map.error(tensor, "more than " + MAX_SHARDS + " shard files");
            }
            weightMap.put(tensor, shard);
        }
        if (weightMap.isEmpty()) {
            throw json.error("weight_map", "is empty");
        }
        return new HfShardIndex(file, weightMap);
    }

    /** Shard file names in first-use order. */
    public List<String> shardNames() {
        return weightMap.values().stream().distinct().toList();
    }

    static boolean isPlainFileName(String name) {
        if (name.isEmpty() || name.length() > 255 || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == '/' || ch == '\\' || ch == ':' || ch < 0x20) {
                return false;
            }
        }
        return true;
    }
}
