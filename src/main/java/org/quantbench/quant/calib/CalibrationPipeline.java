package org.quantbench.quant.calib;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.engine.LayerSteps;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.TensorNames;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

/**
 * The streaming layer-by-layer calibration pipeline. The calibration batch (N samples of L tokens) is embedded,
 * then for each decoder layer in order: the layer's inputs are captured as a {@link LayerQuantizer} asks for them
 * ({@link LayerContext#inputs}), the algorithm quantizes the layer, and the layer as quantized (norm overrides
 * included) runs the batch to produce the next layer's inputs ({@link InputSource#QUANTIZED}, the default), or the
 * float layer does ({@link InputSource#FLOAT}). Memory: one layer's weights (mapped) and the activations of the
 * batch at a few points of one layer, on the heap or spilled to temporary files above a budget.
 * <p>
 * The activations kept inside a layer, each {@code N x L x width}: the layer input {@code x}, {@code attn_in =
 * rmsnorm(x)}, {@code attn_out} (attention before o), {@code resid = x + o(attn_out)}, {@code ffn_in =
 * rmsnorm(resid)}, {@code ffn_mid = silu(gate) * up}, and the output {@code resid + down(ffn_mid)}. Each is
 * recomputed only when a linear or norm it depends on changed since it was computed.
 */
public final class CalibrationPipeline {

    /** Where each layer's inputs come from. */
    public enum InputSource {
        /** The already-quantized previous layers ("true sequential"; GPTQ's and AWQ's default). */
        QUANTIZED,
        /** The float model, every layer calibrated on the activations it sees unquantized. */
        FLOAT
    }

    /**
     * @param memoryBudgetBytes heap bytes the captured activations of one layer may take before they spill
     * @param spillDir          folder for spilled activations (temporary files, deleted as soon as used)
     */
    public record Options(InputSource inputSource, long memoryBudgetBytes, Path spillDir) {
        public static Options defaults() {
            return new Options(InputSource.QUANTIZED, Runtime.getRuntime().maxMemory() / 4,
                    Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    /** Per-layer progress: the algorithm's loss and the layer's wall time; free-form lines from inside a layer. */
    public interface Progress {
        void layerDone(int layer, int layers, double loss, double seconds);

        default void message(String line) {}
    }

    /**
     * Where a run saves its place after a layer, so that a later run of the same quantization (same model, algorithm
     * and batch) continues there: the next layer's inputs go to a file in {@link #folder}, the place (layer index,
     * losses, replaced norms, the file's name) to {@link #save}, which must keep it atomically with every linear
     * handed to the sink so far.
     */
    public interface Resumption {
        Path folder();

        /** The place an earlier run saved, or null to start at the first layer. */
        ObjectNode saved();

        void save(ObjectNode place);

        /** Forgets a saved place this run cannot use, and the linears saved with it. */
        void discard();

        /** Seconds of work between saves: a short run is not slowed by writing its inputs after every layer. */
        default double saveIntervalSeconds() { return 60; }
    }

    /**
     * The quantized linears by canonical name (layer order), the replacement norm vectors by canonical name (only
     * those an algorithm replaced), each layer's loss, whether activations were spilled to disk, the layer this run
     * started at (0, or where an earlier run saved its place) and the seconds of all runs together.
     */
    public record Result(Map<String, QuantizedLinear> linears, Map<String, float[]> norms, double[] layerLosses,
                         boolean spilled, int resumedAt, double seconds) {
    }

    private CalibrationPipeline() {}

    public static Result run(Checkpoint checkpoint, CalibrationData data, LayerQuantizer algorithm, Options options,
                             ComputePool pool, Progress progress) {
        return run(checkpoint, data, algorithm, options, pool, progress, null, null);
    }

    /**
     * As above, handing each layer's quantized linears to {@code sink} as soon as the layer is done instead of keeping
     * them in the result (whose linears are then empty): a whole model's packed layers never sit in memory together.
     * With a {@code resumption} (which needs a sink), the run continues from the place an earlier one saved and
     * saves its own place as it goes; the linears it hands over are the same as an uninterrupted run's.
     */
    public static Result run(Checkpoint checkpoint, CalibrationData data, LayerQuantizer algorithm, Options options,
                             ComputePool pool, Progress progress, BiConsumer<String, QuantizedLinear> sink,
                             Resumption resumption) {
        if (resumption != null && sink == null) {
            throw new IllegalArgumentException("a resumable run hands its linears to a sink that keeps them");
        }
        long started = System.nanoTime();
        ModelConfig c = checkpoint.config();
        int n = data.sampleCount();
        int len = data.tokens();
        if (len > c.maxSeqLen()) {
            throw new IllegalArgumentException("calibration samples of " + len + " tokens exceed the model's context of "
                    + c.maxSeqLen());
        }
        long bytesPerLayer = 4L * n * len * (4L * c.dim() + c.qDim() + c.hiddenDim());
        ActivationStore store = new ActivationStore(bytesPerLayer, options.memoryBudgetBytes(), options.spillDir());
        if (store.spills()) {
            progress.message(String.format("activations of one layer take %.1f MiB, over the %.1f MiB budget: spilling to %s",
                    bytesPerLayer / 1048576.0, options.memoryBudgetBytes() / 1048576.0, options.spillDir()));
        }
        LayerSteps steps = new LayerSteps(c, len, pool);
        SavedPlace place = savedPlace(resumption, c, n, len, progress);
        ActivationStore.Buffer x = place != null ? place.loadInputs(store, n, len, c.dim()) : embed(checkpoint, data, store);
        Map<String, QuantizedLinear> linears = new LinkedHashMap<>();
        BiConsumer<String, QuantizedLinear> keep = sink != null ? sink : linears::put;
        Map<String, float[]> norms = place != null ? new LinkedHashMap<>(place.norms()) : new LinkedHashMap<>();
        double[] losses = place != null ? place.losses() : new double[c.nLayers()];
        int first = place != null ? place.nextLayer() : 0;
        double earlier = place != null ? place.seconds() : 0;
        long lastSave = started;
        try {
            for (int l = first; l < c.nLayers(); l++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("calibration cancelled before layer " + l);
                }
                long start = System.nanoTime();
                LayerRun run = new LayerRun(checkpoint, l, x, store, steps, pool, data.seed(), options.inputSource(), progress);
                try {
                    LayerResult result;
                    try {
                        result = algorithm.quantize(run);
                    } catch (IllegalArgumentException | ArithmeticException e) {
                        throw new LayerQuantizationException("layer " + l + ": " + e.getMessage(), e);
                    }
                    ActivationStore.Buffer next = run.finish(result);
                    x.close();
                    x = next;
                    for (LinearRole role : LinearRole.values()) {
                        keep.accept(role.tensorName(l), result.linears().get(role));
                    }
                    if (result.attnNorm() != null) {
                        norms.put(TensorNames.attnNorm(l), result.attnNorm().clone());
                    }
                    if (result.ffnNorm() != null) {
                        norms.put(TensorNames.ffnNorm(l), result.ffnNorm().clone());
                    }
                    losses[l] = result.loss();
                } finally {
                    run.close();
                }
                long now = System.nanoTime();
                if (resumption != null && l + 1 < c.nLayers() && (now - lastSave) / 1e9 >= resumption.saveIntervalSeconds()) {
                    SavedPlace.save(resumption, l + 1, c.nLayers(), x, losses, norms, earlier + (now - started) / 1e9);
                    lastSave = now;
                }
                progress.layerDone(l, c.nLayers(), losses[l], (now - start) / 1e9);
            }
        } finally {
            x.close();
        }
        return new Result(linears, norms, losses, store.spills(), first, earlier + (System.nanoTime() - started) / 1e9);
    }

    /** The place an earlier run saved, or null: none saved, or one that does not fit this run (then discarded). */
    private static SavedPlace savedPlace(Resumption resumption, ModelConfig c, int samples, int tokens, Progress progress) {
        if (resumption == null || resumption.saved() == null) {
            return null;
        }
        try {
            SavedPlace place = SavedPlace.read(resumption, c, samples, tokens);
            progress.message(String.format("continuing at layer %d of %d from the place saved in %s (%.0f s of work before)",
                    place.nextLayer() + 1, c.nLayers(), resumption.folder(), place.seconds()));
            return place;
        } catch (IllegalArgumentException e) {
            progress.message("starting at the first layer: the place saved in " + resumption.folder() + " does not fit ("
                    + e.getMessage() + ")");
            resumption.discard();
            return null;
        }
    }

    private static ActivationStore.Buffer embed(Checkpoint checkpoint, CalibrationData data, ActivationStore store) {
        ModelConfig c = checkpoint.config();
        WeightTensor embedding = checkpoint.tensor(TensorNames.TOKEN_EMBD);
        ActivationStore.Buffer x = store.create(data.sampleCount(), data.tokens(), c.dim());
        float[] rows = new float[data.tokens() * c.dim()];
        for (int s = 0; s < data.sampleCount(); s++) {
            int[] ids = data.samples()[s];
            for (int t = 0; t < ids.length; t++) {
                if (ids[t] < 0 || ids[t] >= embedding.rows()) {
                    x.close();
                    throw new IllegalArgumentException("calibration token id " + ids[t] + " outside the vocabulary of "
                            + embedding.rows());
                }
                embedding.readRow(ids[t], rows, t * c.dim());
            }
            x.write(s, rows, 0);
        }
        return x;
    }

    /** The points of a layer where activations are kept, in data-flow order. */
    private enum Stage {
        ATTN_IN(1), ATTN_OUT(4), RESID(5), FFN_IN(6), FFN_MID(8), OUT(9);

        /** How many of the layer's parts (attn_norm, q, k, v, o, ffn_norm, gate, up, down) it depends on. */
        final int dependsOn;

        Stage(int dependsOn) {
            this.dependsOn = dependsOn;
        }
    }

    private static final int PARTS = 9;
    private static final int ATTN_NORM = 0;
    private static final int FFN_NORM = 5;

    /** The part index of a linear role: its place in attn_norm, q, k, v, o, ffn_norm, gate, up, down. */
    private static int part(LinearRole role) {
        return role.ordinal() < LinearRole.GATE.ordinal() ? role.ordinal() + 1 : role.ordinal() + 2;
    }

    /** A linear's weights, transposed for the pipeline's GEMM on first use (never, for a float linear committed over). */
    private static final class LinearPart {
        private final int rows;
        private final int cols;
        private final TransposedWeights.Rows source;
        private TransposedWeights weights;

        LinearPart(int rows, int cols, TransposedWeights.Rows source) {
            this.rows = rows;
            this.cols = cols;
            this.source = source;
        }

        synchronized TransposedWeights weights() {
            if (weights == null) {
                weights = new TransposedWeights(rows, cols, source);
            }
            return weights;
        }
    }

    /** One layer being calibrated: the algorithm's {@link LayerContext} and the stage buffers behind it. */
    private static final class LayerRun implements LayerContext, AutoCloseable {
        private final Checkpoint checkpoint;
        private final ModelConfig c;
        private final int layer;
        private final ActivationStore.Buffer x;
        private final ActivationStore store;
        private final LayerSteps steps;
        private final ComputePool pool;
        private final long seed;
        private final InputSource source;
        private final Progress progress;
        private final float[] qBias;
        private final float[] kBias;
        private final float[] vBias;
        /** The parts the stages are computed with now: float[] norms and {@link LinearPart}s. */
        private final Object[] current = new Object[PARTS];
        private final Object[] floatParts = new Object[PARTS];
        private final Map<Stage, ActivationStore.Buffer> buffers = new EnumMap<>(Stage.class);
        private final Map<Stage, Object[]> computedWith = new EnumMap<>(Stage.class);
        private final Map<LinearRole, QuantizedLinear> committed = new EnumMap<>(LinearRole.class);

        LayerRun(Checkpoint checkpoint, int layer, ActivationStore.Buffer x, ActivationStore store, LayerSteps steps,
                 ComputePool pool, long seed, InputSource source, Progress progress) {
            this.checkpoint = checkpoint;
            this.c = checkpoint.config();
            this.layer = layer;
            this.x = x;
            this.store = store;
            this.steps = steps;
            this.pool = pool;
            this.seed = seed;
            this.source = source;
            this.progress = progress;
            floatParts[ATTN_NORM] = attnNorm();
            floatParts[FFN_NORM] = ffnNorm();
            for (LinearRole role : LinearRole.values()) {
                WeightTensor w = weight(role);
                floatParts[part(role)] = new LinearPart(w.rows(), w.cols(), (r, dst) -> w.readRow(r, dst, 0));
            }
            System.arraycopy(floatParts, 0, current, 0, PARTS);
            this.qBias = c.qkvBias() ? checkpoint.tensor(TensorNames.attnQBias(layer)).toFloatArray() : null;
            this.kBias = c.qkvBias() ? checkpoint.tensor(TensorNames.attnKBias(layer)).toFloatArray() : null;
            this.vBias = c.qkvBias() ? checkpoint.tensor(TensorNames.attnVBias(layer)).toFloatArray() : null;
        }

        @Override public int layer() { return layer; }

        @Override public ModelConfig config() { return c; }

        @Override
        public WeightTensor weight(LinearRole role) {
            return checkpoint.tensor(role.tensorName(layer));
        }

        @Override
        public float[] weightRows(LinearRole role) {
            return weight(role).toFloatArray();
        }

        @Override
        public float[] attnNorm() {
            return checkpoint.tensor(TensorNames.attnNorm(layer)).toFloatArray();
        }

        @Override
        public float[] ffnNorm() {
            return checkpoint.tensor(TensorNames.ffnNorm(layer)).toFloatArray();
        }

        @Override
        public Activations inputs(InputGroup group) {
            return stage(switch (group) {
                case ATTN_IN -> Stage.ATTN_IN;
                case ATTN_OUT -> Stage.ATTN_OUT;
                case FFN_IN -> Stage.FFN_IN;
                case FFN_MID -> Stage.FFN_MID;
            });
        }

        @Override
        public void commit(LinearRole role, QuantizedLinear linear) {
            checkShape(role, linear);
            committed.put(role, linear);
            if (source == InputSource.QUANTIZED) {
                current[part(role)] = quantizedPart(linear);
            }
        }

        @Override public ComputePool pool() { return pool; }

        @Override public long seed() { return seed; }

        @Override
        public void report(String message) {
            progress.message("layer " + layer + ": " + message);
        }

        private void checkShape(LinearRole role, QuantizedLinear q) {
            WeightTensor w = weight(role);
            if (q.outFeatures() != w.rows() || q.inFeatures() != w.cols()) {
                throw new IllegalArgumentException(role.tensorName(layer) + ": the algorithm returned a " + q.outFeatures()
                        + " x " + q.inFeatures() + " linear for a " + w.rows() + " x " + w.cols() + " weight");
            }
        }

        /** Runs the layer as the algorithm returned it (or the float layer) and hands over its output. */
        ActivationStore.Buffer finish(LayerResult result) {
            if (source == InputSource.QUANTIZED) {
                for (LinearRole role : LinearRole.values()) {
                    QuantizedLinear q = result.linears().get(role);
                    checkShape(role, q);
                    if (committed.get(role) != q) {
                        current[part(role)] = quantizedPart(q);
                    }
                }
                current[ATTN_NORM] = checkNorm(TensorNames.attnNorm(layer), result.attnNorm(), (float[]) floatParts[ATTN_NORM]);
                current[FFN_NORM] = checkNorm(TensorNames.ffnNorm(layer), result.ffnNorm(), (float[]) floatParts[FFN_NORM]);
            } else {
                System.arraycopy(floatParts, 0, current, 0, PARTS);
            }
            ActivationStore.Buffer out = stage(Stage.OUT);
            buffers.remove(Stage.OUT);
            return out;
        }

        private float[] checkNorm(String name, float[] override, float[] stored) {
            if (override == null) {
                return stored;
            }
            if (override.length != stored.length) {
                throw new IllegalArgumentException(name + ": the replacement has " + override.length + " values, expected "
                        + stored.length);
            }
            for (float v : override) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(name + ": the replacement holds " + v);
                }
            }
            return override;
        }

        private ActivationStore.Buffer stage(Stage stage) {
            ActivationStore.Buffer have = buffers.get(stage);
            if (have != null && upToDate(stage)) {
                return have;
            }
            if (have != null) {
                have.close();
                buffers.remove(stage);
            }
            ActivationStore.Buffer computed = compute(stage);
            buffers.put(stage, computed);
            computedWith.put(stage, java.util.Arrays.copyOf(current, stage.dependsOn));
            return computed;
        }

        private boolean upToDate(Stage stage) {
            Object[] used = computedWith.get(stage);
            for (int i = 0; i < stage.dependsOn; i++) {
                if (used[i] != current[i]) {
                    return false;
                }
            }
            return true;
        }

        private static LinearPart quantizedPart(QuantizedLinear q) {
            return new LinearPart(q.outFeatures(), q.inFeatures(), (r, dst) -> q.dequantizeRow(r, dst, 0));
        }

        /** {@code y = x W^T} for the current weights of {@code role}, over one sample. */
        private void forward(LinearRole role, float[] x, float[] y, int tokens, Work work) {
            TransposedWeights w = ((LinearPart) current[part(role)]).weights();
            int need = w.scratchSize(tokens);
            if (work.scratch.length < need) {
                work.scratch = new float[need];
            }
            w.multiply(x, tokens, y, work.scratch, pool);
        }

        /** One thread's buffers for computing a stage over one sample at a time. */
        private static final class Work {
            final float[] a;
            final float[] b;
            final float[] q;
            final float[] k;
            final float[] v;
            final float[] result;
            float[] scratch = new float[0];

            Work(ModelConfig c, Stage stage, int len, int width) {
                int widest = len * Math.max(c.dim(), Math.max(c.qDim(), c.hiddenDim()));
                this.a = new float[widest];
                this.b = new float[widest];
                this.q = stage == Stage.ATTN_OUT ? new float[len * c.qDim()] : null;
                this.k = stage == Stage.ATTN_OUT ? new float[len * c.kvDim()] : null;
                this.v = stage == Stage.ATTN_OUT ? new float[len * c.kvDim()] : null;
                this.result = new float[len * width];
            }
        }

        /**
         * Computes a stage over every sample, the samples spread over the pool's threads (each runs its sample's
         * GEMMs, attention and element-wise steps alone, so no thread waits on another's serial part; the results do
         * not depend on which thread ran a sample).
         */
        private ActivationStore.Buffer compute(Stage stage) {
            int len = x.tokens();
            int dim = c.dim();
            List<ActivationStore.Buffer> inputs = new ArrayList<>();
            switch (stage) {
                case ATTN_IN, RESID -> inputs.add(x);
                default -> { }
            }
            switch (stage) {
                case ATTN_OUT -> inputs.add(stage(Stage.ATTN_IN));
                case RESID -> inputs.add(stage(Stage.ATTN_OUT));
                case FFN_IN -> inputs.add(stage(Stage.RESID));
                case FFN_MID -> inputs.add(stage(Stage.FFN_IN));
                case OUT -> {
                    inputs.add(stage(Stage.RESID));
                    inputs.add(stage(Stage.FFN_MID));
                }
                default -> { }
            }
            int width = switch (stage) {
                case ATTN_OUT -> c.qDim();
                case FFN_MID -> c.hiddenDim();
                default -> dim;
            };
            ActivationStore.Buffer out = store.create(x.samples(), len, width);
            try {
                Thread caller = Thread.currentThread();
                // buffers handed from sample to sample (at most one set per thread), garbage once the stage is done;
                // a ThreadLocal would leave them reachable from the pool's long-lived threads
                Queue<Work> idle = new ConcurrentLinkedQueue<>();
                pool.forEach(x.samples(), Long.MAX_VALUE, s -> {
                    if (caller.isInterrupted()) {
                        throw new CancellationException("calibration cancelled in layer " + layer);
                    }
                    Work polled = idle.poll();
                    Work w = polled != null ? polled : new Work(c, stage, len, width);
                    float[] a = w.a;
                    float[] b = w.b;
                    float[] result = w.result;
                    inputs.get(0).read(s, a, 0);
                    switch (stage) {
                        case ATTN_IN -> steps.rmsNorm(a, (float[]) current[ATTN_NORM], result, len);
                        case ATTN_OUT -> {
                            forward(LinearRole.Q, a, w.q, len, w);
                            forward(LinearRole.K, a, w.k, len, w);
                            forward(LinearRole.V, a, w.v, len, w);
                            steps.attention(w.q, w.k, w.v, qBias, kBias, vBias, result, len);
                        }
                        case RESID, OUT -> {
                            inputs.get(1).read(s, b, 0);
                            forward(stage == Stage.RESID ? LinearRole.O : LinearRole.DOWN, b, result, len, w);
                            LayerSteps.addInPlace(result, a, len * dim);
                        }
                        case FFN_IN -> steps.rmsNorm(a, (float[]) current[FFN_NORM], result, len);
                        case FFN_MID -> {
                            forward(LinearRole.GATE, a, result, len, w);
                            forward(LinearRole.UP, a, b, len, w);
                            LayerSteps.swiglu(result, b, len * width);
                        }
                    }
                    requireFinite(stage, s, result);
                    out.write(s, result, 0);
                    idle.add(w);
                });
                return out;
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        }

        private void requireFinite(Stage stage, int sample, float[] values) {
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new LayerQuantizationException("layer " + layer + ": the " + stage.name().toLowerCase(java.util.Locale.ROOT)
                            + " activations of calibration sample " + sample + " hold " + values[i] + " (token "
                            + i / (values.length / x.tokens()) + "); the weights so far or the input overflow");
                }
            }
        }

        @Override
        public void close() {
            for (ActivationStore.Buffer b : buffers.values()) {
                b.close();
            }
            buffers.clear();
            for (LinearRole role : LinearRole.values()) {
                weight(role).releasePages();
            }
        }
    }
}
