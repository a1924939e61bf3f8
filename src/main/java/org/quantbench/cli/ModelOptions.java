package org.quantbench.cli;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** The model argument and the options every model command shares. */
final class ModelOptions {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A HF folder, a .gguf file or a llama2.c .bin.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "A separate tokenizer file (llama2.c tokenizer.bin).")
    Path tokenizer;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores).")
    Integer threads;

    Checkpoint open() {
        return CheckpointLoader.open(model, tokenizer);
    }

    ComputePool pool() {
        return new ComputePool(threads != null ? threads : Runtime.getRuntime().availableProcessors());
    }

    static Tokenizer tokenizerOf(Checkpoint checkpoint) {
        return checkpoint.tokenizer().orElseThrow(() -> new IllegalArgumentException(
                checkpoint.source() + " carries no tokenizer: pass one with --tokenizer FILE"));
    }
}
