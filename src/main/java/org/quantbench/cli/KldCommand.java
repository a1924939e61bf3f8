package org.quantbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.kld.BaseLogitsCache;
import org.quantbench.eval.kld.BaseLogitsFile;
import org.quantbench.eval.kld.KldEvaluator;
import org.quantbench.eval.kld.KldResult;
import org.quantbench.eval.TokenWindows;
import org.quantbench.eval.results.EvalRecords;
import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.eval.results.RunSettings;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.workbench.measure.LoadedModel;
import org.quantbench.workbench.measure.TextScoring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "kld", description = {
        "KL divergence of the model under --scheme from the model as stored, on the scored tokens of a perplexity definition:",
        "mean, median, 99th percentile and max per token, top-1 agreement and ln(PPL_model/PPL_base).",
        "The base model's top-32 log-probabilities are computed once and cached (keyed by model hash, tokens and definition)."})
final class KldCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Mixin
    TextOptions textOptions;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the statistics as JSON records with provenance.")
    Path output;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        try (Checkpoint ckpt = options.open(); ComputePool pool = options.pool()) {
            Tokenizer tok = ModelOptions.tokenizerOf(ckpt);
            TextScoring scoring = textOptions.scoring();
            PerplexityDefinition def = scoring.definition(tok, ckpt.config().maxSeqLen());
            List<int[]> docs = scoring.documents(tok, def);
            int context = def.contextLength();
            TokenWindows windows = new TokenWindows(def, docs, tok.bosId());
            String sha = options.loading().sha256(ckpt);
            Path cacheDir = options.noCache ? Files.createTempDirectory("quantbench-base-logits")
                    : options.loading().baseLogitsDir();
            BaseLogitsCache cache = new BaseLogitsCache(cacheDir);
            int vocab = ckpt.config().vocabSize();
            long t0 = System.nanoTime();
            boolean[] computed = {false};
            try (BaseLogitsFile base = cache.open(sha, windows, vocab, () -> {
                computed[0] = true;
                return new InferenceSession(LlamaModel.load(ckpt), context, InferenceSession.SCORING_BLOCK, pool);
            })) {
                System.out.printf("definition: %s%n", KldEvaluator.describe(windows, base.k()));
                System.out.printf("base logits (weights as stored): %s %s%n", computed[0]
                        ? String.format("computed in %.1f s, cached in", (System.nanoTime() - t0) / 1e9) : "read from", base.path());
                try (LoadedModel loaded = options.load(ckpt)) {
                    long t1 = System.nanoTime();
                    KldResult r = KldEvaluator.compare(new InferenceSession(loaded.model(), context, InferenceSession.SCORING_BLOCK, pool), windows, base);
                    double seconds = (System.nanoTime() - t1) / 1e9;
                    System.out.printf("model: %s, weights %s, %d threads; %s (base: exact float)%n", ckpt.source(),
                            loaded.label(), pool.threads(), loaded.arithmeticLine());
                    System.out.printf("scored %,d tokens in %d windows over %d documents of %s (%.1f s)%n", r.tokens(),
                            r.windows(), docs.size(), textOptions.text, seconds);
                    System.out.printf("mean KLD:            %.6f ± %.6f%n", r.meanKld(), r.kldStderr());
                    System.out.printf("median KLD:          %.6f%n", r.medianKld());
                    System.out.printf("99th percentile KLD: %.6f%n", r.p99Kld());
                    System.out.printf("max KLD:             %.6f%n", r.maxKld());
                    System.out.printf("top-1 agreement:     %.3f %%%n", r.top1Agreement());
                    System.out.printf("ln(PPL_q/PPL_base):  %.6f (PPL base %.4f, model %.4f)%n", r.lnPplRatio(), r.pplBase(), r.pplModel());
                    System.out.println(loaded.memory(ckpt));
                    if (output != null) {
                        ModelIdentity identity = ModelIdentities.of(options, ckpt, loaded);
                        var records = new EvalRecords(identity, new RunSettings(pool.threads(), 1, null, 0, 0))
                                .of(r, textOptions.text, (System.nanoTime() - start) / 1e9);
                        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                        AtomicFileWriter.writeString(output, mapper.writeValueAsString(Map.of("records", records)) + "\n");
                        System.out.println("wrote " + output.toAbsolutePath());
                    }
                }
            } finally {
                if (options.noCache) {
                    deleteTree(cacheDir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return 0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
