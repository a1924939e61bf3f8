package org.quantbench.cli;

import org.quantbench.eval.EvalThroughputBenchmark;
import org.quantbench.eval.EvalThroughputBenchmark.Measurement;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.tasks.ItemSelection;
import org.quantbench.eval.tasks.Task;
import org.quantbench.eval.tasks.TaskCatalog;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.workbench.measure.LoadedModel;
import org.quantbench.workbench.measure.TextScoring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench-eval", description = {
        "Evaluation throughput next to the engine's raw prefill, measured in the same run: items/s of multiple-choice",
        "tasks and tokens/s of perplexity, with the overhead = eval time / (tokens run / raw prefill rate) - 1. The raw",
        "reference prefills as many tokens in prompts of the same length (the window; for a task, the mean tokens an item",
        "runs), right after each repeat."})
final class BenchEvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK", description = "Multiple-choice tasks to time, zero-shot (e.g. arc_easy).")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", description = "Time only the first N items of each task (default: all).")
    int limit = 0;

    @Option(names = "--batch", paramLabel = "N", description = "Items scored concurrently, as eval's --batch (default 1).")
    int batch = 1;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder of the task data (default: $QUANTBENCH_SHARED/data, else ../shared/data).")
    Path data;

    @Option(names = "--text", paramLabel = "FILE", description = "Also time perplexity over this text (ctx 512, stride 512).")
    Path text;

    @Option(names = "--max-windows", paramLabel = "N", description = "Time only the first N perplexity windows (default: all).")
    int maxWindows = 0;

    @Option(names = "--repeats", description = "Timed runs of each measurement; the median is reported (default 3).")
    int repeats = 3;

    @Override
    public Integer call() {
        if (tasks.isEmpty() && text == null) {
            throw new IllegalArgumentException("give --tasks and/or --text");
        }
        Path dataDir = data != null ? data : EvalCommand.defaultDataDir();
        try (Checkpoint ckpt = options.open(); ComputePool pool = options.pool(); LoadedModel loaded = options.load(ckpt)) {
            Tokenizer tok = ModelOptions.tokenizerOf(ckpt);
            EvalThroughputBenchmark bench = new EvalThroughputBenchmark(loaded.model(), pool, repeats);
            System.out.printf("model: %s, weights %s, %d threads, batch %d, median of %d runs; %s%n", ckpt.source(),
                    loaded.label(), pool.threads(), batch, repeats, loaded.arithmeticLine());
            for (String name : tasks) {
                for (Task task : TaskCatalog.resolve(name.strip(), dataDir)) {
                    print(bench.task(task, tok, new ItemSelection(limit, null), batch));
                }
            }
            if (text != null) {
                TextScoring scoring = new TextScoring(text, 512, null, null, 0, maxWindows, 0, null);
                PerplexityDefinition def = scoring.definition(tok, ckpt.config().maxSeqLen());
                print(bench.perplexity(scoring.documents(tok, def), def, tok.bosId()));
            }
        }
        return 0;
    }

    private static void print(Measurement m) {
        System.out.printf("%s: %,d %s in %.2f s = %.2f %s/s; %,d tokens run (%,d without prefix sharing) = %.1f tok/s%n",
                m.what(), m.units(), m.unit(), m.seconds(), m.unitsPerSecond(), m.unit(), m.tokensRun(),
                m.tokensUnshared(), m.tokensPerSecond());
        System.out.printf("  raw prefill of as many tokens in %d-token prompts, run after each repeat: %.1f tok/s -> %.2f s; evaluation overhead %.1f%%%n",
                m.rawPromptTokens(), m.rawPrefillTokensPerSecond(), m.rawSeconds(), 100 * m.overhead());
    }
}
