package org.quantbench.engine;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.TensorNames;
import org.quantbench.tensor.WeightTensor;

/** A Llama-family decoder assembled from a checkpoint: its linears (through a {@link LinearFactory}) and norms. */
public final class LlamaModel {

    /** One decoder layer. Biases are null when the architecture has none. */
    public record Layer(float[] attnNorm, Linear wq, Linear wk, Linear wv, Linear wo,
                        float[] qBias, float[] kBias, float[] vBias,
                        float[] ffnNorm, Linear gate, Linear up, Linear down) {
    }

    private final ModelConfig config;
    private final WeightTensor embedding;
    private final Layer[] layers;
    private final float[] outputNorm;
    private final Linear output;
    private final Numerics numerics;

    private LlamaModel(ModelConfig config, WeightTensor embedding, Layer[] layers, float[] outputNorm, Linear output,
                       Numerics numerics) {
        this.config = config;
        this.numerics = numerics;
        this.embedding = embedding;
        this.layers = layers;
        this.outputNorm = outputNorm;
        this.output = output;
    }

    public static LlamaModel load(Checkpoint checkpoint) {
        return load(checkpoint, LinearFactory.STORED);
    }

    public static LlamaModel load(Checkpoint checkpoint, LinearFactory factory) {
        return load(checkpoint, factory, Numerics.EXACT);
    }

    /** @param numerics how the engine's own steps (norms, RoPE, KV cache, attention) compute */
    public static LlamaModel load(Checkpoint checkpoint, LinearFactory factory, Numerics numerics) {
        ModelConfig c = checkpoint.config();
        Layer[] layers = new Layer[c.nLayers()];
        for (int l = 0; l < c.nLayers(); l++) {
            layers[l] = new Layer(
                    norm(checkpoint, factory, TensorNames.attnNorm(l), c.dim()),
                    linear(checkpoint, factory, TensorNames.attnQ(l)),
                    linear(checkpoint, factory, TensorNames.attnK(l)),
                    linear(checkpoint, factory, TensorNames.attnV(l)),
                    linear(checkpoint, factory, TensorNames.attnOutput(l)),
                    c.qkvBias() ? vector(checkpoint, TensorNames.attnQBias(l), c.qDim()) : null,
                    c.qkvBias() ? vector(checkpoint, TensorNames.attnKBias(l), c.kvDim()) : null,
                    c.qkvBias() ? vector(checkpoint, TensorNames.attnVBias(l), c.kvDim()) : null,
                    norm(checkpoint, factory, TensorNames.ffnNorm(l), c.dim()),
                    linear(checkpoint, factory, TensorNames.ffnGate(l)),
                    linear(checkpoint, factory, TensorNames.ffnUp(l)),
                    linear(checkpoint, factory, TensorNames.ffnDown(l)));
        }
        WeightTensor embedding = checkpoint.tensor(TensorNames.TOKEN_EMBD);
        Linear output = c.tiedEmbeddings()
                ? factory.create(TensorNames.OUTPUT, embedding)
                : linear(checkpoint, factory, TensorNames.OUTPUT);
        return new LlamaModel(c, embedding, layers, norm(checkpoint, factory, TensorNames.OUTPUT_NORM, c.dim()), output,
                numerics);
    }

    private static Linear linear(Checkpoint checkpoint, LinearFactory factory, String name) {
        return factory.create(name, checkpoint.tensor(name));
    }

    private static float[] vector(Checkpoint checkpoint, String name, int length) {
        return norm(checkpoint, LinearFactory.STORED, name, length);
    }

    private static float[] norm(Checkpoint checkpoint, LinearFactory factory, String name, int length) {
        WeightTensor t = checkpoint.tensor(name);
        if (t.elements() != length) {
            throw new IllegalArgumentException(name + " has " + t.elements() + " elements, expected " + length);
        }
        float[] v = factory.norm(name, t);
        if (v.length != length) {
            throw new IllegalArgumentException(name + " override has " + v.length + " elements, expected " + length);
        }
        return v;
    }

    public ModelConfig config() { return config; }

    public WeightTensor embedding() { return embedding; }

    public Layer layer(int i) { return layers[i]; }

    public float[] outputNorm() { return outputNorm; }

    public Linear output() { return output; }

    public Numerics numerics() { return numerics; }

    /** Bytes a decode step reads: every linear (the classifier included) and the norms; one embedding row is noise. */
    public long bytesReadPerToken() {
        long bytes = output.residentBytes() + 4L * outputNorm.length;
        for (Layer l : layers) {
            bytes += l.wq.residentBytes() + l.wk.residentBytes() + l.wv.residentBytes() + l.wo.residentBytes()
                    + l.gate.residentBytes() + l.up.residentBytes() + l.down.residentBytes()
                    + 4L * (l.attnNorm.length + l.ffnNorm.length);
        }
        return bytes;
    }

    /** Multiply-adds x 2 of the linears for one token, the classifier included (attention excluded). */
    public long linearFlopsPerToken() {
        long macs = (long) output.inFeatures() * output.outFeatures();
        for (Layer l : layers) {
            for (Linear lin : new Linear[] {l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down}) {
                macs += (long) lin.inFeatures() * lin.outFeatures();
            }
        }
        return 2 * macs;
    }

    /** Bytes of all weights as held in memory: linears, embedding (once, when the classifier shares it), norms. */
    public long residentWeightBytes() {
        boolean sharesEmbedding = output instanceof DenseLinear d && d.weight() == embedding;
        return bytesReadPerToken() + (sharesEmbedding ? 0 : embedding.data().byteSize());
    }
}
