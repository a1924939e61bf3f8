package org.quantbench.ui.viewmodel;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the Model view shows about an opened checkpoint; read once, so the checkpoint can be closed again. */
public record ModelSummary(Path source, String format, ModelConfig config, long parameters,
                           Map<DType, Long> weightsByType, long fileBytes, boolean hasTokenizer) {

    public static ModelSummary of(Checkpoint checkpoint) {
        Map<DType, Long> byType = new EnumMap<>(DType.class);
        for (WeightTensor t : checkpoint.tensors()) {
            byType.merge(t.dtype(), (long) t.rows() * t.cols(), Long::sum);
        }
        return new ModelSummary(checkpoint.source(), checkpoint.format(), checkpoint.config(),
                checkpoint.config().parameterCount(), byType, checkpoint.fileBytes(), checkpoint.tokenizer().isPresent());
    }

    /** The stored types by share of the weights, largest first, e.g. "Q4_1 93.1%, Q8_0 6.7%, F32 0.2%". */
    public String dtypeSummary() {
        long total = weightsByType.values().stream().mapToLong(Long::longValue).sum();
        return weightsByType.entrySet().stream()
                .sorted(Map.Entry.<DType, Long>comparingByValue().reversed())
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.1f%%", e.getKey(), 100.0 * e.getValue() / Math.max(1, total)))
                .collect(Collectors.joining(", "));
    }

    /** Label and value pairs in display order. */
    public List<Fact> facts() {
        return facts(source.toString());
    }

    /** The facts with the file named as the user gave it, e.g. {@code ${DEMO}/stories260K.bin}. */
    public List<Fact> facts(String file) {
        ModelConfig c = config;
        return List.of(
                new Fact("File", file),
                new Fact("Format", format),
                new Fact("Architecture", c.architecture()),
                new Fact("Parameters", Formats.count(parameters) + " (" + String.format("%,d", parameters) + ")"),
                new Fact("Stored types", dtypeSummary()),
                new Fact("Size on disk", Formats.bytes(fileBytes)),
                new Fact("Layers", Integer.toString(c.nLayers())),
                new Fact("Hidden size", c.dim() + " (MLP " + c.hiddenDim() + ")"),
                new Fact("Attention heads", c.nHeads() + " (" + c.nKvHeads() + " KV, head dim " + c.headDim() + ")"),
                new Fact("Vocabulary", String.format("%,d", c.vocabSize())),
                new Fact("Context", String.format("%,d", c.maxSeqLen())),
                new Fact("Embeddings", c.tiedEmbeddings() ? "tied with the output layer" : "separate output layer"),
                new Fact("Tokenizer", hasTokenizer ? "included" : "missing: name a tokenizer file"));
    }

    /** One row of the facts table. */
    public record Fact(String label, String value) {}
}
