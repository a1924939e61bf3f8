package org.quantbench.model.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantbench.model.safetensors.SafetensorsBytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny HF Llama folder written by hand for reader tests: a mutable config map and the HF tensors it implies,
 * each F32 with values that identify the tensor and the element ({@link #value}).
 */
final class TinyHfFolder {
    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Object> config = new LinkedHashMap<>();
    /** HF name -> shape; tests remove, add or reshape entries before {@link #write}. */
    final Map<String, long[]> tensors = new LinkedHashMap<>();
    final Map<String, String> dtypes = new LinkedHashMap<>();

    TinyHfFolder(String architecture) {
        config.put("architectures", List.of(architecture));
        config.put("model_type", architecture.replace("ForCausalLM", "").toLowerCase());
        config.put("hidden_size", 8);
        config.put("intermediate_size", 12);
        config.put("num_hidden_layers", 2);
        config.put("num_attention_heads", 4);
        config.put("num_key_value_heads", 2);
        config.put("vocab_size", 10);
        config.put("max_position_embeddings", 32);
        config.put("rms_norm_eps", 1e-5);
        config.put("rope_theta", 500000.0);
        config.put("hidden_act", "silu");
        boolean bias = architecture.equals("Qwen2ForCausalLM");
        int dim = 8, hidden = 12, q = 8, kv = 4, vocab = 10;
        tensors.put("model.embed_tokens.weight", new long[] {vocab, dim});
        for (int l = 0; l < 2; l++) {
            String p = "model.layers." + l + ".";
            tensors.put(p + "input_layernorm.weight", new long[] {dim});
            tensors.put(p + "self_attn.q_proj.weight", new long[] {q, dim});
            tensors.put(p + "self_attn.k_proj.weight", new long[] {kv, dim});
            tensors.put(p + "self_attn.v_proj.weight", new long[] {kv, dim});
            if (bias) {
                tensors.put(p + "self_attn.q_proj.bias", new long[] {q});
                tensors.put(p + "self_attn.k_proj.bias", new long[] {kv});
                tensors.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            tensors.put(p + "self_attn.o_proj.weight", new long[] {dim, q});
            tensors.put(p + "post_attention_layernorm.weight", new long[] {dim});
            tensors.put(p + "mlp.gate_proj.weight", new long[] {hidden, dim});
            tensors.put(p + "mlp.up_proj.weight", new long[] {hidden, dim});
            tensors.put(p + "mlp.down_proj.weight", new long[] {dim, hidden});
        }
        tensors.put("model.norm.weight", new long[] {dim});
        tensors.put("lm_head.weight", new long[] {vocab, dim});
    }

    static TinyHfFolder llama() { return new TinyHfFolder("LlamaForCausalLM"); }

    /** The value stored at flat index {@code i} of tensor {@code name}. */
    static float value(String name, int i) {
        return (Math.floorMod(name.hashCode(), 997) + i) / 64f;
    }

    static float[] values(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = value(name, i);
        }
        return v;
    }

    SafetensorsBytes safetensors(Iterable<String> names) {
        SafetensorsBytes bytes = new SafetensorsBytes().metadata(Map.of("format", "pt"));
        for (String name : names) {
            long[] shape = tensors.get(name);
            String dtype = dtypes.getOrDefault(name, "F32");
            if (dtype.equals("I8")) {
                long n = 1;
                for (long d : shape) {
                    n *= d;
                }
                bytes.raw(name, "I8", shape, new byte[(int) n]);
            } else {
                bytes.floats(name, dtype, shape, values(name, shape));
            }
        }
        return bytes;
    }

    Path writeConfig(Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config));
    }

    /** config.json + a single model.safetensors. */
    Path write(Path dir) throws IOException {
        writeConfig(dir);
        Files.write(dir.resolve("model.safetensors"), safetensors(tensors.keySet()).build());
        return dir;
    }

    /** config.json + two shards split after the first half of the tensors + the index. */
    Path writeSharded(Path dir) throws IOException {
        writeConfig(dir);
        List<String> names = List.copyOf(tensors.keySet());
        List<String> first = names.subList(0, names.size() / 2);
        List<String> second = names.subList(names.size() / 2, names.size());
        Files.write(dir.resolve("model-00001-of-00002.safetensors"), safetensors(first).build());
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), safetensors(second).build());
        Map<String, String> weightMap = new LinkedHashMap<>();
        first.forEach(n -> weightMap.put(n, "model-00001-of-00002.safetensors"));
        second.forEach(n -> weightMap.put(n, "model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                JSON.writeValueAsString(Map.of("metadata", Map.of("total_size", 0), "weight_map", weightMap)));
        return dir;
    }
}
