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

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 text to score.")
    Path text;

    @Option(names = "--ctx", description = "Context length of each window (default: 512, at most the model's).")
    int ctx = 512;

    @Option(names = "--stride", description = "Tokens between window starts (default: the context length).")
    Integer stride;

    @Option(names = "--bos", negatable = true, description = "Start each window with BOS (default: the tokenizer's add_bos_token).")
    Boolean bos;

    @Option(names = "--max-tokens", description = "Score only the first N tokens of each document (default: all).")
    int maxTokens = 0;

    @Option(names = "--max-windows", description = "Score only the first N windows (default: all).")
    int maxWindows = 0;

    @Option(names = "--max-bytes", description = "Read only the first N bytes of the text (default: all).")
    long maxBytes = 0;

    @Option(names = "--split", paramLabel = "LINE", description = "A line that separates documents (e.g. '<|endoftext|>'); each document is stripped and scored alone.")
    String split;

    @Override
    public Integer call() {
        try (Checkpoint ckpt = options.open(); ComputePool pool = options.pool()) {
            Tokenizer tok = ModelOptions.tokenizerOf(ckpt);
            TextScoring scoring = new TextScoring(text, ctx, stride, bos, maxTokens, maxWindows, maxBytes, split);
            PerplexityDefinition def = scoring.definition(tok, ckpt.config().maxSeqLen());
            List<int[]> docs = scoring.documents(tok, def);
            try (LoadedModel loaded = options.load(ckpt)) {
                InferenceSession session = new InferenceSession(loaded.model(), def.contextLength(), 64, pool);
                long start = System.nanoTime();
                PerplexityResult r = new PerplexityEvaluator(session, def, tok.bosId()).evaluate(docs);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("definition: %s; %s%n", scoring.describe(def), loaded.arithmeticLine());
                System.out.printf("scored %,d tokens in %d windows over %d documents of %s (%.1f s, %.0f tok/s, %d threads)%n",
                        r.scoredTokens(), r.windows(), r.documents(), text, seconds, r.scoredTokens() / seconds, pool.threads());
                System.out.printf("mean nll: %.6f%n", r.meanNll());
                System.out.printf("model: %s, weights %s%n", ckpt.source(), loaded.label());
                System.out.println(loaded.memory(ckpt));
                System.out.printf("perplexity: %.3f%n", r.perplexity());
            }
        }
        return 0;
    }
}
