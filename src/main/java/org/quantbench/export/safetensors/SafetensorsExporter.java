package org.quantbench.export.safetensors;

import org.quantbench.export.AtomicFolderWriter;
import org.quantbench.export.ExportResult;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.hf.CanonicalShapes;
import org.quantbench.model.safetensors.SafetensorsDType;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes any opened {@link Checkpoint} as a HF model folder (config.json, model.safetensors or shards, and
 * tokenizer.json where {@link HfTokenizerFiles} can write the tokenizer faithfully), built in a temporary folder
 * beside the target and renamed into place when complete.
 */
public final class SafetensorsExporter {
    /** The dtypes a safetensors export can store its weights as. */
    public static final Set<DType> DTYPES = Collections.unmodifiableSet(EnumSet.of(DType.F32, DType.F16, DType.BF16));

    private SafetensorsExporter() {}

    /**
     * @param tokenizer the model's tokenizer (for BOS/EOS ids in config.json and tokenizer.json), or null
     * @throws IllegalArgumentException for a dtype safetensors weights cannot take, or a target that is a file or
     *                                  a folder with something in it
     */
    public static ExportResult export(Checkpoint source, Tokenizer tokenizer, Path folder, DType dtype,
                                      long maxShardBytes) throws IOException {
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException("a safetensors export stores f32, f16 or bf16 weights, not "
                    + dtype.name().toLowerCase() + " (quantized types go to GGUF)");
        }
        SafetensorsDType stored = SafetensorsDType.valueOf(dtype.name());
        OptionalInt bos = tokenizer == null ? OptionalInt.empty() : tokenizer.bosId();
        OptionalInt eos = tokenizer == null ? OptionalInt.empty() : tokenizer.eosId();
        Optional<HfTokenizerFiles> tokenizerFiles = tokenizer == null ? Optional.empty() : HfTokenizerFiles.of(tokenizer);
        List<String> notes = new ArrayList<>();
        if (tokenizer == null) {
            notes.add("no tokenizer written: none was given");
        } else if (tokenizerFiles.isEmpty()) {
            notes.add("no tokenizer.json written: only byte-level BPE with a known pre-tokenizer can be written"
                    + " faithfully; load the folder with --tokenizer FILE");
        }
        Path target = folder.toAbsolutePath().normalize();
        AtomicFolderWriter.write(target, temp -> {
            HfFolderWriter.write(source, temp, stored, maxShardBytes, bos, eos);
            if (tokenizerFiles.isPresent()) {
                tokenizerFiles.get().write(temp, source.config().maxSeqLen());
            }
        });
        List<Path> files;
        try (Stream<Path> list = Files.list(target)) {
            files = list.sorted().toList();
        }
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        return new ExportResult(target, files, CanonicalShapes.of(source.config()).size(), bytes, notes);
    }
}
