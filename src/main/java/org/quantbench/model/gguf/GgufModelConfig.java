package org.quantbench.model.gguf;

import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;
import org.quantbench.model.TensorNames;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a {@link ModelConfig} from GGUF metadata and checks the file's tensors against it. */
final class GgufModelConfig {
    static final String ROPE_FREQS = GgufCheckpoint.ROPE_FREQS;
    /** The llama3 scaling parameters every Llama 3.1/3.2 release uses; only the factor differs (8 or 32). */
    private static final double LLAMA3_LOW_FREQ_FACTOR = 1;
    private static final double LLAMA3_HIGH_FREQ_FACTOR = 4;
    private static final int LLAMA3_ORIGINAL_CONTEXT = 8192;

    private GgufModelConfig() {}

    static ModelConfig read(GgufFile f) {
        String arch = f.getString(GgufKeys.ARCHITECTURE);
        String hfName = switch (arch) {
            case "llama" -> "LlamaForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            default -> throw f.error(GgufKeys.ARCHITECTURE, "unsupported architecture " + arch
                    + " (supported: llama, qwen2)");
        };
        int dim = f.getInt(GgufKeys.of(arch, GgufKeys.EMBEDDING_LENGTH));
        int hidden = f.getInt(GgufKeys.of(arch, GgufKeys.FEED_FORWARD_LENGTH));
        int layers = f.getInt(GgufKeys.of(arch, GgufKeys.BLOCK_COUNT));
        String headKey = GgufKeys.of(arch, GgufKeys.HEAD_COUNT);
        int heads = f.getInt(headKey);
        if (heads <= 0) {
            throw f.error(headKey, "must be positive, got " + heads);
        }
        int kvHeads = f.getInt(GgufKeys.of(arch, GgufKeys.HEAD_COUNT_KV), heads);
        int headDim = f.getInt(GgufKeys.of(arch, GgufKeys.KEY_LENGTH), dim / heads);
        sameAsHeadDim(f, GgufKeys.of(arch, GgufKeys.VALUE_LENGTH), headDim);
        sameAsHeadDim(f, GgufKeys.of(arch, GgufKeys.ROPE_DIMENSION_COUNT), headDim);
        int context = f.getInt(GgufKeys.of(arch, GgufKeys.CONTEXT_LENGTH));
        float eps = f.getFloat(GgufKeys.of(arch, GgufKeys.RMS_EPS));
        float theta = f.getFloat(GgufKeys.of(arch, GgufKeys.ROPE_FREQ_BASE), 10000f);
        int vocab = f.hasVocabulary() ? f.getStringArray(GgufKeys.TOKENS).size()
                : (int) f.tensorInfo(TensorNames.TOKEN_EMBD).rows();
        boolean tied = !f.hasTensor(TensorNames.OUTPUT);
        RopeScaling scaling = ropeScaling(f, arch, headDim, theta);
        RopeLayout layout = "qwen2".equals(arch) ? RopeLayout.HALF : RopeLayout.INTERLEAVED;
        try {
            return new ModelConfig(hfName, dim, hidden, layers, heads, kvHeads, headDim, vocab, context, eps, theta,
                    scaling, layout, tied, "qwen2".equals(arch));
        } catch (IllegalArgumentException e) {
            throw f.error(arch + ".*", "inconsistent model config: " + e.getMessage());
        }
    }

    private static void sameAsHeadDim(GgufFile f, String key, int headDim) {
        if (f.has(key) && f.getInt(key) != headDim) {
            throw f.error(key, "is " + f.getInt(key) + " but the head dimension is " + headDim
                    + "; only full-width RoPE with equal key and value heads is supported");
        }
    }

    private static RopeScaling ropeScaling(GgufFile f, String arch, int headDim, float theta) {
        String typeKey = GgufKeys.of(arch, GgufKeys.ROPE_SCALING_TYPE);
        String type = f.getString(typeKey, "none");
        float factor = f.getFloat(GgufKeys.of(arch, GgufKeys.ROPE_SCALING_FACTOR), 1f);
        if (!"none".equals(type) && factor != 1f) {
            throw f.error(typeKey, "RoPE scaling '" + type + "' (factor " + factor + ") is not supported");
        }
        if (!f.hasTensor(ROPE_FREQS)) {
            return RopeScaling.NONE;
        }
        return llama3ScalingOf(f, headDim, theta);
    }

    /**
     * Recognises a rope_freqs tensor as Llama 3 scaling: its largest divisor is the factor, and every entry must
     * equal what that factor with the standard low/high frequency factors and original context gives.
     */
    private static RopeScaling llama3ScalingOf(GgufFile f, int headDim, float theta) {
        WeightTensor t = f.tensor(ROPE_FREQS);
        String field = "tensor " + ROPE_FREQS;
        if (t.dtype() != DType.F32 || t.rows() != 1 || t.cols() != headDim / 2) {
            throw f.error(field, "is " + t.rows() + "x" + t.cols() + " " + t.dtype() + ", expected F32 [" + headDim / 2 + "]");
        }
        float[] stored = t.toFloatArray();
        double factor = 1;
        for (float v : stored) {
            factor = Math.max(factor, v);
        }
        RopeScaling scaling = new RopeScaling("llama3", factor, LLAMA3_LOW_FREQ_FACTOR, LLAMA3_HIGH_FREQ_FACTOR,
                LLAMA3_ORIGINAL_CONTEXT);
        for (int i = 0; i < stored.length; i++) {
            double expected = scaling.frequencyDivisor(theta, i, headDim);
            if (Math.abs(stored[i] - expected) > 1e-3 * expected) {
                throw f.error(field, "entry " + i + " is " + stored[i] + " where Llama 3 scaling (factor " + factor
                        + ", low 1, high 4, original context 8192) gives " + expected
                        + "; other RoPE frequency factors are not supported");
            }
        }
        return scaling;
    }

    /** Every tensor the config needs, with its shape; nothing else but rope_freqs. */
    static void checkTensors(GgufFile f, ModelConfig c) {
        Set<String> expected = new HashSet<>();
        matrix(f, expected, TensorNames.TOKEN_EMBD, c.vocabSize(), c.dim());
        vector(f, expected, TensorNames.OUTPUT_NORM, c.dim());
        if (!c.tiedEmbeddings()) {
            matrix(f, expected, TensorNames.OUTPUT, c.vocabSize(), c.dim());
        }
        for (int l = 0; l < c.nLayers(); l++) {
            vector(f, expected, TensorNames.attnNorm(l), c.dim());
            matrix(f, expected, TensorNames.attnQ(l), c.qDim(), c.dim());
            matrix(f, expected, TensorNames.attnK(l), c.kvDim(), c.dim());
            matrix(f, expected, TensorNames.attnV(l), c.kvDim(), c.dim());
            matrix(f, expected, TensorNames.attnOutput(l), c.dim(), c.qDim());
            vector(f, expected, TensorNames.ffnNorm(l), c.dim());
            matrix(f, expected, TensorNames.ffnGate(l), c.hiddenDim(), c.dim());
            matrix(f, expected, TensorNames.ffnUp(l), c.hiddenDim(), c.dim());
            matrix(f, expected, TensorNames.ffnDown(l), c.dim(), c.hiddenDim());
            if (c.qkvBias()) {
                vector(f, expected, TensorNames.attnQBias(l), c.qDim());
                vector(f, expected, TensorNames.attnKBias(l), c.kvDim());
                vector(f, expected, TensorNames.attnVBias(l), c.kvDim());
            }
        }
        expected.add(ROPE_FREQS);
        for (GgufTensorInfo info : f.tensorInfos()) {
            if (!expected.contains(info.name())) {
                throw f.error("tensor " + info.name(), "is not part of a " + c.architecture() + " with "
                        + c.nLayers() + " layers" + (c.qkvBias() ? "" : " without biases") + "; such files are not supported");
            }
        }
    }

    private static void matrix(GgufFile f, Set<String> expected, String name, long rows, long cols) {
        shape(f, expected, name, List.of(cols, rows));
    }

    private static void vector(GgufFile f, Set<String> expected, String name, long length) {
        shape(f, expected, name, List.of(length));
    }

    private static void shape(GgufFile f, Set<String> expected, String name, List<Long> shape) {
        expected.add(name);
        if (!f.hasTensor(name)) {
            throw f.error("tensor " + name, "is missing; the model config needs it with ne " + shape);
        }
        List<Long> actual = f.tensorInfo(name).shape();
        if (!actual.equals(shape)) {
            throw f.error("tensor " + name, "has ne " + actual + " but the model config needs " + shape);
        }
    }
}
