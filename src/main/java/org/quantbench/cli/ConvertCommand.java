package org.quantbench.cli;

import org.quantbench.export.ExportResult;
import org.quantbench.export.gguf.GgufExporter;
import org.quantbench.export.safetensors.HfFolderWriter;
import org.quantbench.export.safetensors.SafetensorsExporter;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "convert", description = {
        "Convert a checkpoint to a GGUF file or a HF safetensors folder.",
        "GGUF: matrices in --dtype (rows that do not fill whole quantization blocks stay F16), norms F32, the"
                + " tokenizer embedded when it has a GGUF form. safetensors: config.json + model.safetensors"
                + " (sharded above --max-shard-size); tokenizer.json only for byte-level BPE tokenizers."})
final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A HF folder, a .gguf file or a llama2.c .bin.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "Tokenizer to use instead of the model's own: a llama2.c tokenizer.bin, tokenizer.json or .gguf.")
    Path tokenizer;

    @Option(names = "--to", required = true, paramLabel = "FORMAT", description = "gguf or safetensors.")
    String to;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "The .gguf file, or the folder to create (new or empty) for safetensors.")
    Path out;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32",
            description = "f32 (default, lossless), f16, bf16; for gguf also q8_0, q4_0, q4_1.")
    String dtype;

    @Option(names = "--keep-embeddings",
            description = "GGUF: keep token_embd and output in F32 whatever --dtype is.")
    boolean keepEmbeddings;

    @Option(names = "--name", paramLabel = "NAME", description = "GGUF general.name (default: the model's file name).")
    String name;

    @Option(names = "--max-shard-size", paramLabel = "BYTES",
            description = "safetensors: start a new shard above this many bytes (default 4 GiB).")
    long maxShardBytes = HfFolderWriter.DEFAULT_MAX_SHARD_BYTES;

    @Override
    public Integer call() {
        boolean gguf = switch (to.toLowerCase(Locale.ROOT)) {
            case "gguf" -> true;
            case "safetensors" -> false;
            default -> throw new IllegalArgumentException("unknown --to '" + to + "' (choose gguf or safetensors)");
        };
        DType type = parseDtype(dtype, gguf ? "gguf" : "safetensors", gguf ? GgufExporter.DTYPES : SafetensorsExporter.DTYPES);
        if (keepEmbeddings && !gguf) {
            throw new IllegalArgumentException("--keep-embeddings applies to --to gguf only");
        }
        try (Checkpoint ckpt = CheckpointLoader.open(model, tokenizer)) {
            Tokenizer tok = ckpt.tokenizer().orElse(null);
            ExportResult result = gguf
                    ? GgufExporter.export(ckpt, tok, out,
                            new GgufExporter.Options(type, keepEmbeddings, name != null ? name : defaultName(ckpt)))
                    : SafetensorsExporter.export(ckpt, tok, out, type, maxShardBytes);
            print(result, gguf ? "gguf" : "safetensors", type);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + out + " failed: " + e.getMessage(), e);
        }
        return 0;
    }

    private static DType parseDtype(String text, String format, Set<DType> allowed) {
        String names = allowed.stream().map(d -> d.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        DType type;
        try {
            type = DType.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --dtype '" + text + "' (choose one of " + names + ")");
        }
        if (!allowed.contains(type)) {
            throw new IllegalArgumentException("--dtype " + text + ": a " + format + " export cannot hold it (choose one of "
                    + names + ")");
        }
        return type;
    }

    private static String defaultName(Checkpoint ckpt) {
        String file = ckpt.source().getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    private static void print(ExportResult result, String format, DType type) {
        System.out.printf("wrote %s (%s, %s): %d tensors, %,d bytes (%s)%n", result.path(), format,
                type.name().toLowerCase(Locale.ROOT), result.tensors(), result.bytes(), Bytes.human(result.bytes()));
        if (result.files().size() > 1 || !result.files().getFirst().equals(result.path())) {
            for (Path file : result.files()) {
                System.out.printf("  %s%n", result.path().relativize(file));
            }
        }
        for (String note : result.notes()) {
            System.out.printf("note: %s%n", note);
        }
    }
}
