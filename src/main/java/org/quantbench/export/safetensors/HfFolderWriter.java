package org.quantbench.export.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.export.RopeRowOrder;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;
import org.quantbench.model.hf.CanonicalShapes;
import org.quantbench.model.hf.HfConfig;
import org.quantbench.model.hf.HfTensorNames;
import org.quantbench.model.safetensors.SafetensorsDType;
import org.quantbench.tensor.WeightTensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Writes Llama-family models as HF folders: config.json from a {@link ModelConfig}, and the tensors of any
 * {@link Checkpoint} under HF names (sharded at a byte limit). HF keeps Q/K rows in the rotate-half order, so
 * checkpoints with interleaved RoPE pairs (llama2.c, GGUF llama) have those rows reordered on the way.
 */
public final class HfFolderWriter {
    /** Shard size for big models: about 4 GB, under the 5 GB transformers writes by default. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 4L << 30;
    /** Metadata transformers expects in each file it loads. */
    public static final Map<String, String> METADATA = Map.of("format", "pt");

    private HfFolderWriter() {}

    /** config.json text for {@code config}; {@code torchDtype} names the weights' float type ("bfloat16", ...). */
    public static String configJson(ModelConfig config, String torchDtype, OptionalInt bosId, OptionalInt eosId) {
        String modelType = switch (config.architecture()) {
            case "LlamaForCausalLM" -> "llama";
            case "MistralForCausalLM" -> "mistral";
            case "Qwen2ForCausalLM" -> "qwen2";
            default -> throw new IllegalArgumentException("no HF config for architecture " + config.architecture());
        };
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode json = mapper.createObjectNode();
        json.putArray("architectures").add(config.architecture());
        json.put("model_type", modelType);
        json.put("hidden_size", config.dim());
        json.put("intermediate_size", config.hiddenDim());
        json.put("num_hidden_layers", config.nLayers());
        json.put("num_attention_heads", config.nHeads());
        json.put("num_key_value_heads", config.nKvHeads());
        json.put("head_dim", config.headDim());
        json.put("vocab_size", config.vocabSize());
        json.put("max_position_embeddings", config.maxSeqLen());
        json.put("rms_norm_eps", config.normEps());
        json.put("rope_theta", config.ropeTheta());
        RopeScaling scaling = config.ropeScaling();
        if (scaling.isNone()) {
            json.putNull("rope_scaling");
        } else {
            json.putObject("rope_scaling")
                    .put("rope_type", scaling.type())
                    .put("factor", scaling.factor())
                    .put("low_freq_factor", scaling.lowFreqFactor())
                    .put("high_freq_factor", scaling.highFreqFactor())
                    .put("original_max_position_embeddings", scaling.originalMaxPositions());
        }
        json.put("tie_word_embeddings", config.tiedEmbeddings());
        json.put("hidden_act", "silu");
        json.put("torch_dtype", torchDtype);
        bosId.ifPresent(id -> json.put("bos_token_id", id));
        eosId.ifPresent(id -> json.put("eos_token_id", id));
        try {
            return mapper.writeValueAsString(json) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
    }

    public static void writeConfig(Path folder, ModelConfig config, String torchDtype, OptionalInt bosId,
                                   OptionalInt eosId) throws IOException {
        AtomicFileWriter.writeString(folder.resolve(HfConfig.FILE_NAME), configJson(config, torchDtype, bosId, eosId));
    }

    /** The name transformers uses in torch_dtype for a float dtype. */
    public static String torchDtype(SafetensorsDType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> throw new IllegalArgumentException(dtype + " is not a float weight type");
        };
    }

    /**
     * Writes {@code source} as an HF folder: config.json and the weights stored as {@code dtype} (F32, F16 or BF16).
     * Returns the weight files written. The tokenizer is not copied.
     */
    public static List<Path> write(Checkpoint source, Path folder, SafetensorsDType dtype, long maxShardBytes) throws IOException {
        return write(source, folder, dtype, maxShardBytes, OptionalInt.empty(), OptionalInt.empty());
    }

    /** As {@link #write(Checkpoint, Path, SafetensorsDType, long)}, with BOS/EOS ids for config.json. */
    public static List<Path> write(Checkpoint source, Path folder, SafetensorsDType dtype, long maxShardBytes,
                                   OptionalInt bosId, OptionalInt eosId) throws IOException {
        ModelConfig config = source.config();
        ModelConfig hfConfig = new ModelConfig(config.architecture(), config.dim(), config.hiddenDim(), config.nLayers(),
                config.nHeads(), config.nKvHeads(), config.headDim(), config.vocabSize(), config.maxSeqLen(),
                config.normEps(), config.ropeTheta(), config.ropeScaling(), RopeLayout.HALF, config.tiedEmbeddings(),
                config.qkvBias());
        String torchDtype = torchDtype(dtype);
        boolean reorder = config.ropeLayout() != RopeLayout.HALF;
        List<SafetensorsEntry> entries = new ArrayList<>();
        for (var entry : CanonicalShapes.of(hfConfig).entrySet()) {
            String name = entry.getKey();
            WeightTensor weight = source.tensor(name);
            TensorContent content = reorder && RopeRowOrder.isRotated(name)
                    ? rotateHalfOrder(weight, config.ropeLayout(), config.headDim())
                    : TensorContent.ofWeight(weight);
            entries.add(new SafetensorsEntry(HfTensorNames.toHf(name), dtype, entry.getValue(), content));
        }
        List<Path> written = ShardedSafetensorsWriter.write(folder, entries, METADATA, maxShardBytes);
        writeConfig(folder, hfConfig, torchDtype, bosId, eosId);
        return written;
    }

    /** Q/K rows of each head moved from {@code layout} to HF's rotate-half order: whole rows for matrices, elements for biases. */
    private static TensorContent rotateHalfOrder(WeightTensor weight, RopeLayout layout, int headDim) {
        if (weight.rows() == 1) {
            return sink -> {
                float[] in = weight.toFloatArray();
                float[] out = new float[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = in[RopeRowOrder.sourceIndex(layout, RopeLayout.HALF, headDim, i)];
                }
                sink.writeFloats(out, 0, out.length);
            };
        }
        return TensorContent.ofRows(weight.rows(), weight.cols(), (row, values) ->
                weight.readRow(RopeRowOrder.sourceIndex(layout, RopeLayout.HALF, headDim, row), values, 0));
    }
}
