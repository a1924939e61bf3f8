package org.quantbench.model.hf;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.TensorNames;
import org.quantbench.model.safetensors.SafetensorsFile;
import org.quantbench.model.safetensors.SafetensorsTensorInfo;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.model.tokenizer.Tokenizers;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.WeightTensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face model folder (config.json + model.safetensors or shards listed in model.safetensors.index.json)
 * of a Llama, Mistral or Qwen2 model, with its tensors under canonical names. Opening checks every required
 * tensor's presence, dtype and shape against the config, so a model that opens can be run.
 */
public final class HfFolderCheckpoint implements Checkpoint {
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private final Path folder;
    private final ModelConfig config;
    private final HfGenerationConfig generationConfig;
    private final List<SafetensorsFile> files;
    private final Map<String, WeightTensor> tensors;
    private Optional<Tokenizer> tokenizer;

    private HfFolderCheckpoint(Path folder, ModelConfig config, HfGenerationConfig generationConfig,
                               List<SafetensorsFile> files, Map<String, WeightTensor> tensors) {
        this.folder = folder;
        this.config = config;
        this.generationConfig = generationConfig;
        this.files = List.copyOf(files);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    public static HfFolderCheckpoint open(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new FileFormatException(dir, "folder", "is not a folder");
        }
        HfConfig hfConfig = HfConfig.read(dir.resolve(HfConfig.FILE_NAME));
        HfGenerationConfig generation = HfGenerationConfig.read(dir);
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            Weights weights = openWeights(dir, files);
            boolean lmHead = weights.sources.stream().anyMatch(s -> s.hfName.equals(HfTensorNames.LM_HEAD));
            ModelConfig config = hfConfig.resolve(lmHead);
            Map<String, WeightTensor> tensors = mapTensors(hfConfig.file(), config, weights);
            return new HfFolderCheckpoint(dir, config, generation, files, tensors);
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    /** A tensor in one of the weight files under its HF name. */
    private record Source(SafetensorsFile file, String hfName) {}

    /** The tensors of the weight files, in file order; {@code listing} is the index file or the single file. */
    private record Weights(Path listing, List<Source> sources) {}

    private static Weights openWeights(Path dir, List<SafetensorsFile> opened) {
        Path indexFile = dir.resolve(HfShardIndex.FILE_NAME);
        Path single = dir.resolve(WEIGHTS_FILE);
        List<Source> sources = new ArrayList<>();
        if (Files.exists(indexFile)) {
            HfShardIndex index = HfShardIndex.read(indexFile);
            Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
            for (String shard : index.shardNames().stream().sorted().toList()) {
                Path path = dir.resolve(shard);
                if (!Files.isRegularFile(path)) {
                    throw new FileFormatException(indexFile, "weight_map", "shard " + shard + " is missing from " + dir);
                }
                SafetensorsFile file = SafetensorsFile.open(path);
                opened.add(file);
                shards.put(shard, file);
            }
            for (var entry : index.weightMap().entrySet()) {
                if (!shards.get(entry.getValue()).has(entry.getKey())) {
                    throw new FileFormatException(indexFile, "weight_map." + entry.getKey(),
                            "shard " + entry.getValue() + " has no such tensor");
                }
            }
            // File order: shard by shard, by position inside each shard.
            for (SafetensorsFile file : shards.values()) {
                String shard = file.path().getFileName().toString();
                for (SafetensorsTensorInfo info : file.tensorInfos()) {
                    if (shard.equals(index.weightMap().get(info.name()))) {
                        sources.add(new Source(file, info.name()));
                    }
                }
            }
            return new Weights(indexFile, sources);
        }
        if (Files.exists(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            opened.add(file);
            file.tensorInfos().forEach(info -> sources.add(new Source(file, info.name())));
            return new Weights(single, sources);
        }
        String hint = Files.exists(dir.resolve("pytorch_model.bin"))
                ? " (pytorch_model.bin is not supported: convert the model to safetensors)" : "";
        throw new FileFormatException(dir, "weights", "has no " + WEIGHTS_FILE + " or " + HfShardIndex.FILE_NAME + hint);
    }

    private static Map<String, WeightTensor> mapTensors(Path configFile, ModelConfig config, Weights weights) {
        // Each layer has at least 9 tensors: checked before the expected names are listed, so a hostile
        // num_hidden_layers cannot make that list huge.
        if (config.nLayers() * 9L > weights.sources.size()) {
            throw new FileFormatException(configFile, "num_hidden_layers", config.nLayers() + " layers need at least "
                    + config.nLayers() * 9L + " tensors but the weights hold " + weights.sources.size());
        }
        Map<String, List<Long>> expected = CanonicalShapes.of(config);
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        for (Source source : weights.sources) {
            Path path = source.file.path();
            String field = "tensor \"" + source.hfName + "\"";
            if (HfTensorNames.isIgnorable(source.hfName)) {
                continue;
            }
            String canonical = HfTensorNames.toCanonical(source.hfName).orElseThrow(() ->
                    new FileFormatException(path, field, "is not a tensor of a " + config.architecture() + " model"));
            if (canonical.equals(TensorNames.OUTPUT) && config.tiedEmbeddings()) {
                continue; // tie_word_embeddings: the embedding is the classifier, as in transformers
            }
            List<Long> shape = expected.get(canonical);
            if (shape == null) {
                throw new FileFormatException(path, field, "does not belong to a " + config.architecture() + " with "
                        + config.nLayers() + " layers" + (config.qkvBias() ? "" : " and no attention biases")
                        + " as " + configFile + " describes it");
            }
            List<Long> actual = source.file.info(source.hfName).orElseThrow().shape();
            if (!actual.equals(shape)) {
                throw new FileFormatException(path, field, "has shape " + actual + " but " + configFile.getFileName()
                        + " implies " + shape);
            }
            if (tensors.containsKey(canonical)) {
                throw new FileFormatException(path, field, "is stored twice");
            }
            tensors.put(canonical, source.file.tensor(source.hfName, canonical));
        }
        for (String name : expected.keySet()) {
            if (!tensors.containsKey(name)) {
                throw new FileFormatException(weights.listing,
                        "tensor \"" + HfTensorNames.toHf(name) + "\"", "is missing (required by " + configFile.getFileName() + ")");
            }
        }
        return tensors;
    }

    @Override
    public Path source() { return folder; }

    @Override
    public String format() { return "safetensors"; }

    @Override
    public ModelConfig config() { return config; }

    public HfGenerationConfig generationConfig() { return generationConfig; }

    /** The safetensors files the weights come from. */
    public List<Path> weightFiles() {
        return files.stream().map(SafetensorsFile::path).toList();
    }

    @Override
    public WeightTensor tensor(String name) {
        WeightTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new FileFormatException(folder, "tensor \"" + name + "\"", "is not in the checkpoint");
        }
        return tensor;
    }

    @Override
    public boolean hasTensor(String name) { return tensors.containsKey(name); }

    @Override
    public Collection<WeightTensor> tensors() { return tensors.values(); }

    /** The tokenizer of tokenizer.json, built on first use; empty when the folder has none. */
    @Override
    public synchronized Optional<Tokenizer> tokenizer() {
        if (tokenizer == null) {
            tokenizer = Files.exists(folder.resolve(TOKENIZER_FILE))
                    ? Optional.of(Tokenizers.fromHfFolder(folder)) : Optional.empty();
        }
        return tokenizer;
    }

    @Override
    public long fileBytes() {
        return files.stream().mapToLong(SafetensorsFile::fileBytes).sum();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
