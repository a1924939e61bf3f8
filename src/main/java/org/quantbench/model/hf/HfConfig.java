package org.quantbench.model.hf;

import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;
import org.quantbench.model.json.CheckedObject;
import org.quantbench.model.json.StrictJson;
import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A HF config.json of a Llama-family model. {@code model.tiedEmbeddings()} holds {@code tie_word_embeddings} or
 * false when the file does not say; {@link #resolve} settles the unspecified case from the weights.
 */
public record HfConfig(Path file, ModelConfig model, Optional<Boolean> tieWordEmbeddings) {
    public static final String FILE_NAME = "config.json";
    public static final Set<String> ARCHITECTURES = Set.of("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM");

    /** transformers' defaults for the Llama, Mistral and Qwen2 configs. */
    private static final double DEFAULT_RMS_NORM_EPS = 1e-6;
    private static final double DEFAULT_ROPE_THETA = 10000;

    public static HfConfig read(Path file) {
        CheckedObject json = StrictJson.readObjectFile(file);
        var architectures = json.strings("architectures");
        if (architectures.isEmpty()) {
            throw json.error("architectures", "is empty");
        }
        String architecture = architectures.getFirst();
        if (!ARCHITECTURES.contains(architecture)) {
            throw json.error("architectures", "unsupported architecture " + architecture + " (supported: "
                    + String.join(", ", ARCHITECTURES.stream().sorted().toList()) + ")");
        }
        refuseUnsupportedFeatures(json, architecture);

        int dim = json.positiveInt("hidden_size");
        int hiddenDim = json.positiveInt("intermediate_size");
        int layers = json.positiveInt("num_hidden_layers");
        int heads = json.positiveInt("num_attention_heads");
        int kvHeads = json.optionalPositiveInt("num_key_value_heads").orElse(heads);
        int headDim;
        if (json.has("head_dim")) {
            headDim = json.positiveInt("head_dim");
        } else if (dim % heads == 0) {
            headDim = dim / heads;
        } else {
            throw json.error("head_dim", "is missing and hidden_size " + dim + " is not a multiple of num_attention_heads " + heads);
        }
        if ((long) heads * headDim > Integer.MAX_VALUE) {
            throw json.error("head_dim", "num_attention_heads " + heads + " x head_dim " + headDim + " overflows");
        }
        int vocab = json.positiveInt("vocab_size");
        int maxPositions = json.positiveInt("max_position_embeddings");
        double eps = json.optionalPositiveNumber("rms_norm_eps").orElse(DEFAULT_RMS_NORM_EPS);

        Optional<CheckedObject> ropeParameters = json.optionalObject("rope_parameters");
        double theta = ropeParameters.flatMap(p -> optionalNumber(p, "rope_theta"))
                .or(() -> optionalNumber(json, "rope_theta"))
                .orElse(DEFAULT_ROPE_THETA);
        RopeScaling scaling = ropeParameters.isPresent() ? ropeScaling(ropeParameters.get(), true)
                : json.optionalObject("rope_scaling").map(s -> ropeScaling(s, false)).orElse(RopeScaling.NONE);

        Optional<Boolean> tie = json.optionalBoolean("tie_word_embeddings");
        boolean qkvBias = architecture.equals("Qwen2ForCausalLM");
        try {
            ModelConfig model = new ModelConfig(architecture, dim, hiddenDim, layers, heads, kvHeads, headDim, vocab,
                    maxPositions, (float) eps, (float) theta, scaling, RopeLayout.HALF, tie.orElse(false), qkvBias);
            return new HfConfig(file, model, tie);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "config", e.getMessage());
        }
    }

    /**
     * The config for weights that do or do not carry {@code lm_head.weight}: an explicit tie_word_embeddings wins;
     * when the file is silent, a missing classifier means the embedding doubles as it.
     */
    public ModelConfig resolve(boolean lmHeadPresent) {
        boolean tied = tieWordEmbeddings.orElse(!lmHeadPresent);
        ModelConfig m = model;
        return new ModelConfig(m.architecture(), m.dim(), m.hiddenDim(), m.nLayers(), m.nHeads(), m.nKvHeads(),
                m.headDim(), m.vocabSize(), m.maxSeqLen(), m.normEps(), m.ropeTheta(), m.ropeScaling(),
                m.ropeLayout(), tied, m.qkvBias());
    }

    private static void refuseUnsupportedFeatures(CheckedObject json, String architecture) {
        if (json.has("quantization_config")) {
            String method = json.object("quantization_config").optionalString("quant_method").orElse("unknown");
            throw json.error("quantization_config", "quantized checkpoints (quant_method " + method + ") are not supported yet");
        }
        json.optionalString("hidden_act").filter(act -> !act.equals("silu")).ifPresent(act -> {
            throw json.error("hidden_act", "activation " + act + " is not supported (only silu)");
        });
        if (!architecture.equals("Qwen2ForCausalLM")) {
            for (String field : new String[] {"attention_bias", "mlp_bias"}) {
                if (json.optionalBoolean(field).orElse(false)) {
                    throw json.error(field, "biases on " + architecture + " linears are not supported");
                }
            }
        }
    }

    private static Optional<Double> optionalNumber(CheckedObject json, String field) {
        var value = json.optionalPositiveNumber(field);
        return value.isPresent() ? Optional.of(value.getAsDouble()) : Optional.empty();
    }

    /**
     * rope_scaling (or transformers 5's rope_parameters, where a missing type means none): only "llama3" changes
     * frequencies here; the other schemes (linear, dynamic, yarn, longrope) are refused rather than ignored.
     */
    private static RopeScaling ropeScaling(CheckedObject scaling, boolean typeOptional) {
        Optional<String> type = scaling.optionalString("rope_type").or(() -> scaling.optionalString("type"));
        if (type.isEmpty() && !typeOptional) {
            throw scaling.error("rope_type", "is missing");
        }
        String name = type.orElse("default");
        return switch (name) {
            case "default" -> RopeScaling.NONE;
            case "llama3" -> {
                double low = scaling.positiveNumber("low_freq_factor");
                double high = scaling.positiveNumber("high_freq_factor");
                if (!(high > low)) {
                    throw scaling.error("high_freq_factor", high + " must exceed low_freq_factor " + low);
                }
                yield new RopeScaling("llama3", scaling.positiveNumber("factor"), low, high,
                        scaling.positiveInt("original_max_position_embeddings"));
            }
            default -> throw scaling.error(scaling.has("rope_type") ? "rope_type" : "type",
                    "rope scaling \"" + name + "\" is not supported (only llama3)");
        };
    }
}
