package org.quantbench.cli;

import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.PerplexityEvaluator;
import org.quantbench.eval.PerplexityResult;
import org.quantbench.eval.TextDocuments;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "perplexity", description = "Token perplexity of a text, with its definition.")
final class PerplexityCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the calibration windows (same as --calib-seed; default 0).")
    Long seed;

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

    @Option(names = "--max-bytes", description = "Read only the first N bytes of the text (default: all).")
    long maxBytes = 0;

    @Option(names = "--split", paramLabel = "LINE", description = "A line that separates documents (e.g. '<|endoftext|>'); each document is stripped and scored alone.")
    String split;

    @Override
    public Integer call() {
        options.commandSeed = seed;
        try (Checkpoint ckpt = options.open(); ComputePool pool = options.pool()) {
            Tokenizer tok = ModelOptions.tokenizerOf(ckpt);
            int context = Math.min(ctx, ckpt.config().maxSeqLen());
            boolean useBos = bos != null ? bos : tok.addBos();
            PerplexityDefinition def = new PerplexityDefinition(context, stride != null ? Math.min(stride, context) : context,
                    useBos, maxTokens);
            List<int[]> docs = new ArrayList<>();
            for (String doc : TextDocuments.read(text, split, split != null, maxBytes)) {
                docs.add(tok.encode(doc, false));
            }
            try (ModelOptions.LoadedModel loaded = options.load(ckpt)) {
                InferenceSession session = new InferenceSession(loaded.model(), context, 64, pool);
                long start = System.nanoTime();
                PerplexityResult r = new PerplexityEvaluator(session, def, tok.bosId()).evaluate(docs);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("definition: %s%n", def.describe());
                System.out.printf("scored %,d tokens in %d windows over %d documents of %s (%.1f s, %.0f tok/s, %d threads)%n",
                        r.scoredTokens(), r.windows(), r.documents(), text, seconds, r.scoredTokens() / seconds, pool.threads());
                System.out.printf("mean nll: %.6f%n", r.meanNll());
                System.out.printf("model: %s, weights %s%n", ckpt.source(), loaded.label());
                System.out.printf("perplexity: %.3f%n", r.perplexity());
            }
        }
        return 0;
    }
}
