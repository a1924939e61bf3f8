package org.quantbench.eval;

import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.tasks.EncodedRequest;
import org.quantbench.eval.tasks.ItemSelection;
import org.quantbench.eval.tasks.PromptBuilder;
import org.quantbench.eval.tasks.SessionScorer;
import org.quantbench.eval.tasks.Task;
import org.quantbench.eval.tasks.TaskResult;
import org.quantbench.eval.tasks.TaskRunner;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Evaluation throughput next to the engine's raw prefill, to show what an evaluation spends on anything but running
 * tokens through the model: request building, tokenization, log-softmax over the vocabulary, and forward steps
 * shorter than a whole prompt. The raw reference prefills the same number of tokens as separate prompts of the same
 * length (a perplexity window; for a task, the mean tokens an item runs), timed right after each evaluation repeat so
 * both see the same machine state, so {@code overhead = eval seconds / (tokens run / raw rate) - 1}.
 */
public final class EvalThroughputBenchmark {

    /**
     * One evaluation timed: {@code units} items or scored tokens in {@code seconds} (median of the repeats), the tokens
     * it ran through the model, the tokens it would run without prefix sharing, and the raw prefill rate it is held to.
     */
    public record Measurement(String what, long units, String unit, long tokensRun, long tokensUnshared, double seconds,
                              int rawPromptTokens, double rawPrefillTokensPerSecond) {
        public double unitsPerSecond() { return units / seconds; }

        public double tokensPerSecond() { return tokensRun / seconds; }

        /** The time raw prefill takes for the same tokens. */
        public double rawSeconds() { return tokensRun / rawPrefillTokensPerSecond; }

        /** Evaluation time over raw prefill time, minus one (0.2 = 20% slower than raw prefill). */
        public double overhead() { return seconds / rawSeconds() - 1; }
    }

    private final LlamaModel model;
    private final ComputePool pool;
    private final int repeats;

    public EvalThroughputBenchmark(LlamaModel model, ComputePool pool, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        this.model = model;
        this.pool = pool;
        this.repeats = repeats;
    }

    /** Perplexity over {@code documents}; raw prefill is held at the window length. */
    public Measurement perplexity(List<int[]> documents, PerplexityDefinition definition, OptionalInt bosId) {
        double[] seconds = new double[repeats];
        long tokens = 0;
        long scored = 0;
        double[] raw = new double[repeats];
        int prompt = definition.contextLength();
        for (int r = 0; r < repeats; r++) {
            InferenceSession session = new InferenceSession(model, definition.contextLength(), InferenceSession.SCORING_BLOCK, pool);
            long t0 = System.nanoTime();
            PerplexityResult result = new PerplexityEvaluator(session, definition, bosId).evaluate(documents);
            seconds[r] = (System.nanoTime() - t0) / 1e9;
            tokens = session.tokensRun();
            scored = result.scoredTokens();
            raw[r] = rawPrefillRate(prompt, tokens);
        }
        return new Measurement("perplexity, " + definition.describe(), scored, "scored tokens", tokens, tokens,
                median(seconds), prompt, median(raw));
    }

    /**
     * A multiple-choice task scored as {@code eval} scores it (zero-shot, {@code batch} items at a time); raw prefill
     * is held at the mean tokens an item runs.
     */
    public Measurement task(Task task, Tokenizer tokenizer, ItemSelection selection, int batch) {
        double[] seconds = new double[repeats];
        double[] raw = new double[repeats];
        long tokens = 0;
        int items = 0;
        for (int r = 0; r < repeats; r++) {
            List<InferenceSession> sessions = java.util.Collections.synchronizedList(new ArrayList<>());
            TaskRunner runner = new TaskRunner(tokenizer, demand -> {
                InferenceSession s = TaskRunner.session(model, demand, pool);
                sessions.add(s);
                return new SessionScorer(s);
            }, batch);
            long t0 = System.nanoTime();
            TaskResult result = runner.run(task, 0, PromptBuilder.DEFAULT_FEWSHOT_SEED, selection, null);
            seconds[r] = (System.nanoTime() - t0) / 1e9;
            if (!result.complete()) {
                throw new IllegalStateException(task.name() + " did not complete: " + result.error());
            }
            items = result.items().size();
            tokens = sessions.stream().mapToLong(InferenceSession::tokensRun).sum();
            raw[r] = rawPrefillRate(meanPrompt(tokens, items), tokens);
        }
        long unshared = 0;
        for (List<EncodedRequest> item : new TaskRunner(tokenizer, demand -> null, 1)
                .encodedRequests(task, 0, PromptBuilder.DEFAULT_FEWSHOT_SEED, selection)) {
            for (EncodedRequest request : item) {
                unshared += Math.min(request.context().length + request.continuation().length - 1, model.config().maxSeqLen());
            }
        }
        return new Measurement(task.name() + ", " + selection.describe(), items, "items", tokens, unshared,
                median(seconds), meanPrompt(tokens, items), median(raw));
    }

    private int meanPrompt(long tokens, int items) {
        return (int) Math.clamp(Math.round((double) tokens / items), 1, model.config().maxSeqLen());
    }

    /**
     * Raw prefill tokens/s over about {@code tokens} tokens: seeded random prompts of {@code promptTokens}, one
     * after another on one session, only the last token's logits computed (as {@link ThroughputBenchmark}).
     */
    private double rawPrefillRate(int promptTokens, long tokens) {
        long prompts = Math.max(1, Math.round((double) tokens / promptTokens));
        int[] prompt = new SplittableRandom(1).ints(promptTokens, 0, model.config().vocabSize()).toArray();
        InferenceSession session = new InferenceSession(model, promptTokens, Math.min(promptTokens, 512), pool);
        long t0 = System.nanoTime();
        for (long p = 0; p < prompts; p++) {
            session.rewind(0);
            session.forwardLast(prompt, 0, promptTokens);
        }
        return prompts * promptTokens / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return ThroughputBenchmark.median(sorted);
    }
}
