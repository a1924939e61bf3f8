package org.quantbench.cli;

import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.PerplexityEvaluator;
import org.quantbench.eval.PerplexityResult;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.workbench.measure.LoadedModel;
import org.quantbench.workbench.measure.TextScoring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "perplexity", description = "Token perplexity of a text, with its definition.")
final class PerplexityCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Mixin
    TextOptions textOptions;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the calibration windows (same as --calib-seed; default 0).")
    Long seed;

    @Override
    public Integer call() {
        options.commandSeed = seed;
        try (Checkpoint ckpt = options.open(); ComputePool pool = options.pool()) {
            Tokenizer tok = ModelOptions.tokenizerOf(ckpt);
            TextScoring scoring = textOptions.scoring();
            PerplexityDefinition def = scoring.definition(tok, ckpt.config().maxSeqLen());
            List<int[]> docs = scoring.documents(tok, def);
            try (LoadedModel loaded = options.load(ckpt)) {
                InferenceSession session = new InferenceSession(loaded.model(), def.contextLength(), InferenceSession.SCORING_BLOCK, pool);
                long start = System.nanoTime();
                PerplexityResult r = new PerplexityEvaluator(session, def, tok.bosId()).evaluate(docs);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("definition: %s; %s%n", scoring.describe(def), loaded.arithmeticLine());
                System.out.printf("scored %,d tokens in %d windows over %d documents of %s (%.1f s, %.0f tok/s, %d threads)%n",
                        r.scoredTokens(), r.windows(), r.documents(), textOptions.text, seconds, r.scoredTokens() / seconds, pool.threads());
                System.out.printf("mean nll: %.6f%n", r.meanNll());
                System.out.printf("model: %s, weights %s%n", ckpt.source(), loaded.label());
                System.out.println(loaded.memory(ckpt));
                System.out.printf("perplexity: %.3f%n", r.perplexity());
            }
        }
        return 0;
    }
}
