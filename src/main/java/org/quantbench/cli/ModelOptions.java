package org.quantbench.cli;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.quant.QuantizedModel;
import org.quantbench.quant.QuantizedModelStore;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.ModelQuantizer;
import org.quantbench.quant.SchemeNames;
import org.quantbench.quant.calib.CalibrationData;
import org.quantbench.tensor.ComputePool;
import org.quantbench.workbench.measure.Arithmetic;
import org.quantbench.workbench.measure.LoadedModel;
import org.quantbench.workbench.measure.ModelLoading;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** The model argument and the options every model command shares. */
final class ModelOptions {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A HF folder, a .gguf file or a llama2.c .bin.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "A tokenizer instead of the model's own (llama2.c keeps it apart):"
            + " a llama2.c tokenizer.bin, a tokenizer.json or its folder, or a .gguf.")
    Path tokenizer;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--scheme", paramLabel = "NAME", description = "Run the model quantized with this scheme "
            + "(e.g. W4A16-RTN-g128-sym, W8A8-INT, FP8-dynamic, NF4-DQ, Q4_0); quantized models are cached.")
    String scheme;

    @Option(names = "--quantize-lm-head", description = "Quantize lm_head too (default: it keeps its dtype).")
    boolean quantizeLmHead;

    @Option(names = "--no-cache", description = "Quantize in memory without reading or writing the cache.")
    boolean noCache;

    @Option(names = "--arithmetic", paramLabel = "exact|llamacpp", converter = ArithmeticConverter.class,
            description = "exact (default): float activations and KV cache; llamacpp: llama.cpp's CPU arithmetic"
                    + " (int8 activations in Q8_0/Q4_0/Q4_1 matmuls, F16 KV cache), to reproduce its numbers.")
    Arithmetic arithmetic = Arithmetic.EXACT;

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache folder (default: $QUANTBENCH_CACHE or ~/.cache/quantbench).")
    Path cache;

    @Option(names = "--calibration", paramLabel = "FILE", description = "Calibration text for GPTQ/AWQ/SmoothQuant/AutoRound/AQLM"
            + " schemes: plain text (documents split at '<|endoftext|>' lines) or JSONL with a \"text\" field. Use training-like"
            + " text, never the evaluation split you will score (a warning says when the name looks like one).")
    Path calibration;

    @Option(names = "--calib-samples", paramLabel = "N", description = "Calibration samples (default 32).")
    int calibSamples = CalibrationData.DEFAULT_SAMPLES;

    @Option(names = "--calib-tokens", paramLabel = "L", description = "Tokens per calibration sample (default 512).")
    int calibTokens = CalibrationData.DEFAULT_TOKENS;

    @Option(names = "--calib-seed", paramLabel = "N", description = "Seed of the calibration windows (default: the command's --seed, else 0).")
    Long calibSeed;

    /** The command's own --seed, which also seeds calibration unless --calib-seed is given. */
    Long commandSeed;

    Checkpoint open() {
        return CheckpointLoader.open(model, tokenizer);
    }

    ModelLoading loading() {
        return new ModelLoading(noCache ? null : cacheRoot());
    }

    Path cacheRoot() {
        return cache != null ? cache : QuantizedModelStore.defaultCacheRoot();
    }

    /** The model to run: as stored, or quantized under {@code --scheme} (from the cache when it is there). */
    LoadedModel load(Checkpoint checkpoint) {
        if (scheme == null) {
            return loading().load(checkpoint, null, false, null, arithmetic);
        }
        Scheme s = SchemeNames.parse(scheme);
        LoadedModel loaded;
        try (ComputePool calibrationPool = pool()) {
            loaded = loading().load(checkpoint, s, quantizeLmHead, calibration(checkpoint, s), calibrationPool,
                    new ModelQuantizer.Progress() {
                        @Override
                        public void linearDone(int done, int total, String name) {
                            if (done == total || done % 20 == 0) {
                                System.err.printf("  quantized %d/%d linears (%s)%n", done, total, name);
                            }
                        }

                        @Override
                        public void message(String line) {
                            System.err.println("  " + line);
                        }
                    }, arithmetic);
        }
        QuantizedModel q = loaded.quantized();
        System.err.printf("%s: %.3f bits/weight over the linears, %s%n", s.name(), q.bitsPerWeight(),
                q.fromCache() ? "from the cache " + q.cacheEntry()
                        : String.format("quantized in %.1f s%s", q.quantizeSeconds(), q.cacheEntry() != null ? ", cached in " + q.cacheEntry() : ""));
        return loaded;
    }

    /** The calibration windows a scheme needs, or null (ModelQuantizer refuses a calibration scheme without them). */
    private CalibrationData calibration(Checkpoint checkpoint, Scheme s) {
        if (!s.needsCalibration() || calibration == null) {
            return null;
        }
        long seed = calibSeed != null ? calibSeed : commandSeed != null ? commandSeed : CalibrationData.DEFAULT_SEED;
        CalibrationData data = CalibrationData.load(calibration, tokenizerOf(checkpoint), calibSamples, calibTokens, seed,
                System.err::println);
        System.err.printf("calibration: %d x %d tokens from %s (seed %d)%n", calibSamples, calibTokens, calibration, seed);
        return data;
    }

    ComputePool pool() {
        return new ComputePool(threads != null ? threads : Runtime.getRuntime().availableProcessors());
    }

    static final class ArithmeticConverter implements CommandLine.ITypeConverter<Arithmetic> {
        @Override
        public Arithmetic convert(String value) {
            return Arithmetic.parse(value);
        }
    }

    static Tokenizer tokenizerOf(Checkpoint checkpoint) {
        return checkpoint.tokenizer().orElseThrow(() -> new IllegalArgumentException(
                checkpoint.source() + " carries no tokenizer: pass one with --tokenizer FILE"));
    }
}
