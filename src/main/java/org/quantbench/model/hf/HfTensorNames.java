package org.quantbench.model.hf;

import org.quantbench.model.TensorNames;

import java.util.Map;
import java.util.Optional;

/** Translation between HF (transformers) tensor names of Llama-family models and the canonical {@link TensorNames}. */
public final class HfTensorNames {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";
    private static final String LAYER_PREFIX = "model.layers.";
    /** Older checkpoints store RoPE's inverse frequencies; they follow from the config, so they are skipped. */
    private static final String ROTARY_BUFFER = ".self_attn.rotary_emb.inv_freq";

    /** HF suffix after "model.layers.N." -> canonical suffix after "blk.N.". */
    private static final Map<String, String> LAYER_SUFFIXES = Map.ofEntries(
            Map.entry("input_layernorm.weight", "attn_norm.weight"),
            Map.entry("self_attn.q_proj.weight", "attn_q.weight"),
            Map.entry("self_attn.k_proj.weight", "attn_k.weight"),
            Map.entry("self_attn.v_proj.weight", "attn_v.weight"),
            Map.entry("self_attn.q_proj.bias", "attn_q.bias"),
            Map.entry("self_attn.k_proj.bias", "attn_k.bias"),
            Map.entry("self_attn.v_proj.bias", "attn_v.bias"),
            Map.entry("self_attn.o_proj.weight", "attn_output.weight"),
            Map.entry("post_attention_layernorm.weight", "ffn_norm.weight"),
            Map.entry("mlp.gate_proj.weight", "ffn_gate.weight"),
            Map.entry("mlp.up_proj.weight", "ffn_up.weight"),
            Map.entry("mlp.down_proj.weight", "ffn_down.weight"));

    private static final Map<String, String> GLOBAL = Map.of(
            EMBED, TensorNames.TOKEN_EMBD,
            NORM, TensorNames.OUTPUT_NORM,
            LM_HEAD, TensorNames.OUTPUT);

    private HfTensorNames() {}

    /** The canonical name of an HF tensor, or empty when the name is not one of a Llama-family decoder. */
    public static Optional<String> toCanonical(String hfName) {
        String global = GLOBAL.get(hfName);
        if (global != null) {
            return Optional.of(global);
        }
        if (!hfName.startsWith(LAYER_PREFIX)) {
            return Optional.empty();
        }
        int dot = hfName.indexOf('.', LAYER_PREFIX.length());
        if (dot < 0) {
            return Optional.empty();
        }
        String index = hfName.substring(LAYER_PREFIX.length(), dot);
        String suffix = LAYER_SUFFIXES.get(hfName.substring(dot + 1));
        if (suffix == null || !isLayerIndex(index)) {
            return Optional.empty();
        }
        return Optional.of("blk." + index + "." + suffix);
    }

    /** The HF name of a canonical tensor; an IllegalArgumentException for names HF Llama checkpoints do not have. */
    public static String toHf(String canonical) {
        for (var entry : GLOBAL.entrySet()) {
            if (entry.getValue().equals(canonical)) {
                return entry.getKey();
            }
        }
        if (canonical.startsWith("blk.")) {
            int dot = canonical.indexOf('.', 4);
            if (dot > 0 && isLayerIndex(canonical.substring(4, dot))) {
                String suffix = canonical.substring(dot + 1);
                for (var entry : LAYER_SUFFIXES.entrySet()) {
                    if (entry.getValue().equals(suffix)) {
                        return LAYER_PREFIX + canonical.substring(4, dot) + "." + entry.getKey();
                    }
                }
            }
        }
        throw new IllegalArgumentException("no HF name for tensor " + canonical);
    }

    /** Tensors a loader may skip because nothing is lost by it. */
    public static boolean isIgnorable(String hfName) {
        return hfName.startsWith(LAYER_PREFIX) && hfName.endsWith(ROTARY_BUFFER);
    }

    /** Decimal without leading zeros, so "01" and "1" cannot name the same layer. */
    private static boolean isLayerIndex(String text) {
        if (text.isEmpty() || text.length() > 9 || (text.length() > 1 && text.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
