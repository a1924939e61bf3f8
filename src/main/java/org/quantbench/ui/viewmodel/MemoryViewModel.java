package org.quantbench.ui.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.model.ModelConfig;
import org.quantbench.workbench.memory.MemoryCalculator;
import org.quantbench.workbench.memory.MemoryEstimate;
import org.quantbench.workbench.memory.MemoryOptions;
import org.quantbench.workbench.memory.ModelPresets;
import org.quantbench.workbench.memory.WeightFormat;
import org.quantbench.workbench.memory.WeightFormats;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The memory calculator of the Model view: for the opened model or a preset shape (Llama-3.1 8B/70B/405B, SmolLM2,
 * ...) the weights, KV cache and 24 GB / 80 GB GPU counts under each storage format. It needs only the model's shape,
 * so it answers for models far too large to load. Recomputed on every change; an invalid field empties the table
 * and says why.
 */
public final class MemoryViewModel {
    /** The formats the table lists, widest first: 16-bit, 8-bit, 4-bit integer and NF4, GGUF block types, 2-bit AQLM. */
    public static final List<String> FORMATS = List.of("FP16", "BF16", "FP8-dynamic", "W8A8-INT", "Q8_0", "Q6_K",
            "W4A16-RTN-g128-sym", "W4A16-GPTQ-g128-sym", "W4A16-AWQ-g128-asym", "NF4", "NF4-DQ", "Q4_K", "Q4_1", "Q4_0",
            "AQLM-1x16", "AQLM-2x8");

    /** The bits per KV-cache value the user can pick: 16 (fp16/bf16 cache), 8 (FP8 cache), 4. */
    public static final List<Integer> KV_BITS = List.of(16, 8, 4);

    /** A model shape to estimate: the opened checkpoint or a preset. */
    public record Source(String name, ModelConfig config, boolean opened) {
        @Override
        public String toString() {
            return opened ? "Opened: " + name : name;
        }
    }

    private static final List<WeightFormat> PARSED = FORMATS.stream().map(WeightFormats::parse).toList();

    private final ObservableList<Source> sources = FXCollections.observableArrayList();
    private final ObjectProperty<Source> source = new SimpleObjectProperty<>();
    private final IntField context = new IntField("context", "8192", 0, 1 << 24, false);
    private final IntField batch = new IntField("batch", "1", 1, 1 << 16, false);
    private final IntegerProperty kvBits = new SimpleIntegerProperty(16);
    private final BooleanProperty quantizeLmHead = new SimpleBooleanProperty();
    private final ObservableList<MemoryRow> rows = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");

    public MemoryViewModel() {
        ModelPresets.ALL.forEach(p -> sources.add(new Source(p.name(), p.config(), false)));
        source.set(sources.stream().filter(p -> p.name().equals("Llama-3.1-8B")).findFirst().orElse(sources.getFirst()));
        source.addListener(o -> recompute());
        context.textProperty().addListener(o -> recompute());
        batch.textProperty().addListener(o -> recompute());
        kvBits.addListener(o -> recompute());
        quantizeLmHead.addListener(o -> recompute());
        recompute();
    }

    /** Follows the Model view: an opened checkpoint joins the list first and is selected. */
    public MemoryViewModel(ModelViewModel model) {
        this();
        model.summaryProperty().addListener((o, was, now) -> {
            if (now != null) {
                showOpened(String.valueOf(now.source().getFileName()), now.config());
            }
        });
    }

    /** Puts the opened model's shape at the top of the list (replacing an earlier one) and selects it. */
    public void showOpened(String name, ModelConfig config) {
        sources.removeIf(Source::opened);
        Source opened = new Source(name, config, true);
        sources.addFirst(opened);
        source.set(opened);
    }

    private void recompute() {
        Optional<String> problem = context.problem().or(batch::problem);
        Source s = source.get();
        if (problem.isPresent() || s == null) {
            rows.clear();
            summary.set(problem.orElse("Choose a model or a preset."));
            return;
        }
        MemoryOptions options = MemoryOptions.defaults()
                .withContext(context.value().getAsInt(), batch.value().getAsInt())
                .withKvCacheBits(kvBits.get())
                .withQuantizedLmHead(quantizeLmHead.get());
        List<MemoryEstimate> estimates = new MemoryCalculator(options).estimateAll(s.name(), s.config(), PARSED);
        rows.setAll(estimates.stream().map(MemoryRow::new).toList());
        ModelConfig c = s.config();
        summary.set(String.format(Locale.ROOT, "%s: %s parameters, %d layers, %d KV heads x %d; KV cache for %,d x %,d "
                        + "tokens at %d bits. bits/w: decoder linears, scales and zeros included; GPUs: weights + cache "
                        + "within %.0f%% of each GPU.", s.name(), Formats.count(c.parameterCount()), c.nLayers(),
                c.nKvHeads(), c.headDim(), options.batch(), options.contextLength(), options.kvCacheBits(),
                100 * options.gpuUtilization()));
    }

    /** One line of the table, formatted for people; {@link #estimate()} keeps the numbers. */
    public record MemoryRow(MemoryEstimate estimate) {
        public String format() { return estimate.format(); }

        public String bitsPerWeight() { return String.format(Locale.ROOT, "%.3f", estimate.linearBitsPerWeight()); }

        public String weights() { return Formats.bytes(estimate.weightBytes()); }

        public String kvCache() { return Formats.bytes(estimate.kvCacheBytes()); }

        public String total() { return Formats.bytes(estimate.totalBytes()); }

        /** GPUs of the {@code index}-th size (0: 24 GB, 1: 80 GB). */
        public int gpus(int index) { return estimate.gpus().get(index).count(); }

        /** How the format stores a linear, for the tooltip. */
        public String layout() { return estimate.layout(); }
    }

    public ObservableList<Source> sources() { return sources; }

    public ObjectProperty<Source> sourceProperty() { return source; }

    /** Tokens per sequence held in the KV cache. */
    public IntField context() { return context; }

    /** Sequences held at once. */
    public IntField batch() { return batch; }

    public IntegerProperty kvBitsProperty() { return kvBits; }

    public BooleanProperty quantizeLmHeadProperty() { return quantizeLmHead; }

    public ObservableList<MemoryRow> rows() { return rows; }

    /** What the table assumes, or why it is empty. */
    public StringProperty summaryProperty() { return summary; }

    /** The GPU sizes of the two GPU columns. */
    public static List<String> gpuNames() {
        return MemoryOptions.STANDARD_GPUS.stream().map(MemoryOptions.Gpu::name).toList();
    }
}
