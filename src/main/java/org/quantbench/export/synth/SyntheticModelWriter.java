package org.quantbench.export.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.export.safetensors.HfFolderWriter;
import org.quantbench.export.safetensors.SafetensorsEntry;
import org.quantbench.export.safetensors.ShardedSafetensorsWriter;
import org.quantbench.export.safetensors.TensorContent;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.hf.CanonicalShapes;
import org.quantbench.model.hf.HfGenerationConfig;
import org.quantbench.model.hf.HfTensorNames;
import org.quantbench.model.safetensors.SafetensorsDType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Writes a synthetic Llama model as a HF folder: config.json, BF16 weights of seeded uniform noise with standard
 * deviation 0.02 (norms 1.0, classifier untied unless asked), sharded at {@code maxShardBytes}, and a working
 * byte-level BPE tokenizer. Weights are generated row by row while streaming to disk, so even the 16 GB "8b"
 * shape needs only a row of memory. config.json is written last: a folder that has one is complete.
 */
public record SyntheticModelWriter(SyntheticShape shape, long seed, boolean tiedEmbeddings, long maxShardBytes) {
    public static final double WEIGHT_STD = 0.02;

    public SyntheticModelWriter {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive");
        }
    }

    public static SyntheticModelWriter of(SyntheticShape shape, long seed) {
        return new SyntheticModelWriter(shape, seed, false, HfFolderWriter.DEFAULT_MAX_SHARD_BYTES);
    }

    public SyntheticModelWriter withTiedEmbeddings(boolean tied) {
        return new SyntheticModelWriter(shape, seed, tied, maxShardBytes);
    }

    public SyntheticModelWriter withMaxShardBytes(long bytes) {
        return new SyntheticModelWriter(shape, seed, tiedEmbeddings, bytes);
    }

    public ModelConfig config() {
        return shape.toModelConfig(tiedEmbeddings);
    }

    /** Bytes of BF16 weights the folder will hold (headers not counted). */
    public long weightBytes() {
        return 2 * config().parameterCount();
    }

    public void write(Path folder) throws IOException {
        write(folder, bytes -> { });
    }

    /** Writes into {@code folder}, which must be absent or empty; {@code progress} receives bytes as they are written. */
    public void write(Path folder, LongConsumer progress) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(folder + " is not empty; synthetic models are written into a new folder");
                }
            }
        }
        Files.createDirectories(folder);
        ModelConfig config = config();
        Map<String, String> metadata = new LinkedHashMap<>(HfFolderWriter.METADATA);
        metadata.put("quantbench.synthetic", "shape=" + shape.spec() + " seed=" + seed + " std=" + WEIGHT_STD);
        ShardedSafetensorsWriter.write(folder, entries(config), metadata, maxShardBytes, progress);

        SyntheticTokenizerFiles tokenizer = new SyntheticTokenizerFiles(shape.vocab());
        tokenizer.write(folder, config.maxSeqLen());
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("bos_token_id", tokenizer.bosId());
        generation.put("eos_token_id", tokenizer.eosId());
        AtomicFileWriter.writeString(folder.resolve(HfGenerationConfig.FILE_NAME), mapper.writeValueAsString(generation));
        HfFolderWriter.writeConfig(folder, config, HfFolderWriter.torchDtype(SafetensorsDType.BF16),
                OptionalInt.of(tokenizer.bosId()), OptionalInt.of(tokenizer.eosId()));
    }

    private List<SafetensorsEntry> entries(ModelConfig config) {
        List<SafetensorsEntry> entries = new ArrayList<>();
        for (var tensor : CanonicalShapes.of(config).entrySet()) {
            String hfName = HfTensorNames.toHf(tensor.getKey());
            List<Long> shape = tensor.getValue();
            TensorContent content;
            if (shape.size() == 1) {
                float[] ones = new float[shape.getFirst().intValue()];
                Arrays.fill(ones, 1f);
                content = TensorContent.ofFloats(ones);
            } else {
                int rows = shape.get(0).intValue();
                int cols = shape.get(1).intValue();
                content = sink -> {
                    WeightNoise noise = new WeightNoise(seed, hfName, WEIGHT_STD);
                    TensorContent.ofRows(rows, cols, (row, values) -> noise.fill(values)).writeTo(sink);
                };
            }
            entries.add(new SafetensorsEntry(hfName, SafetensorsDType.BF16, shape, content));
        }
        return entries;
    }
}
