package org.quantbench.eval.tasks;

import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a task: builds and tokenizes each selected item's requests, then scores the items on {@code batch} threads,
 * each with its own scorer (on a model: its own {@link InferenceSession} over the shared, read-only model and compute
 * pool). Results are gathered in item order, and every score is a function of the item's tokens alone, so they are
 * identical for any batch size and thread count. A failure anywhere fails the task: it is reported incomplete, never
 * partly scored as if whole.
 */
public final class TaskRunner {
    /** Told after each scored item; may be called from several threads. */
    @FunctionalInterface
    public interface Progress {
        void itemDone(String task, int done, int total);
    }

    /** Makes the scorer of one worker thread. */
    @FunctionalInterface
    public interface ScorerFactory {
        LoglikelihoodScorer create(Demand demand);
    }

    /**
     * What the task's requests ask of a session.
     *
     * @param longest      the most tokens any request puts through the model (context + continuation - 1)
     * @param branchTokens the most tokens any item runs past its requests' common prefix (the branches of
     *                     {@link SessionScorer}'s one-step scoring)
     */
    public record Demand(int longest, int branchTokens) {}

    private final Tokenizer tokenizer;
    private final ScorerFactory scorers;
    private final int batch;

    public TaskRunner(Tokenizer tokenizer, ScorerFactory scorers, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.tokenizer = tokenizer;
        this.scorers = scorers;
        this.batch = batch;
    }

    /**
     * A runner on a model: sessions hold the task's longest input, at most the model's context (longer inputs are cut
     * from the left, so a task without long inputs scores as it would with the full context). With {@code batch > 1}
     * each worker runs its items on a pool of its own ({@code pool.threads() / batch} threads, at least one): an
     * item's short forward steps then never wait for another worker's, nor hand slivers of work between threads.
     */
    public static TaskRunner onModel(LlamaModel model, Tokenizer tokenizer, ComputePool pool, int batch) {
        if (batch == 1) {
            return new TaskRunner(tokenizer, demand -> new SessionScorer(session(model, demand, pool)), batch);
        }
        int threads = Math.max(1, pool.threads() / batch);
        return new TaskRunner(tokenizer, demand -> {
            ComputePool own = new ComputePool(threads);
            return new PooledScorer(new SessionScorer(session(model, demand, own)), own);
        }, batch);
    }

    /** A worker's scorer with the pool it owns, closed when the task is done. */
    private record PooledScorer(SessionScorer scorer, ComputePool pool) implements LoglikelihoodScorer, AutoCloseable {
        @Override
        public List<Loglikelihood> score(List<EncodedRequest> requests) {
            return scorer.score(requests);
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    /** The session a scorer on {@code model} runs for a task with this demand. */
    public static InferenceSession session(LlamaModel model, Demand demand, ComputePool pool) {
        int capacity = Math.min(demand.longest(), model.config().maxSeqLen());
        int block = Math.min(InferenceSession.SCORING_BLOCK, capacity + demand.branchTokens());
        return new InferenceSession(model, capacity, demand.branchTokens(), block, pool);
    }

    public TaskResult run(Task task, int shots, long fewShotSeed, ItemSelection selection, Progress progress) {
        long t0 = System.nanoTime();
        PromptBuilder prompts = new PromptBuilder(task, shots, fewShotSeed);
        int[] picked = selection.select(task.docs().size());
        String definition = definition(task, prompts, selection);
        if (picked.length == 0) {
            return failed(task, definition, picked.length, shots, List.of(), "the task holds no items", t0);
        }
        RequestEncoder encoder = new RequestEncoder(tokenizer);
        List<List<EncodedRequest>> encoded = new ArrayList<>(java.util.Collections.nCopies(picked.length, null));
        ItemScore[] scores = new ItemScore[picked.length];
        AtomicReference<String> error = new AtomicReference<>();
        List<LoglikelihoodScorer> made = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService workers = Executors.newFixedThreadPool(batch)) {
            parallel(workers, picked.length, error, i -> {
                try {
                    encoded.set(i, encode(encoder, prompts.requests(picked[i])));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(where(task, picked[i]) + ": " + e.getMessage(), e);
                }
            });
            if (error.get() == null) {
                Demand demand = demand(encoded);
                AtomicInteger done = new AtomicInteger();
                ThreadLocal<LoglikelihoodScorer> perThread = ThreadLocal.withInitial(() -> {
                    LoglikelihoodScorer scorer = scorers.create(demand);
                    made.add(scorer);
                    return scorer;
                });
                parallel(workers, picked.length, error, i -> {
                    Doc doc = task.docs().get(picked[i]);
                    try {
                        scores[i] = itemScore(doc, perThread.get().score(encoded.get(i)));
                    } catch (RuntimeException e) {
                        throw new IllegalStateException(where(task, picked[i]) + ": " + e.getMessage(), e);
                    }
                    int d = done.incrementAndGet();
                    if (progress != null) {
                        progress.itemDone(task.name(), d, picked.length);
                    }
                });
            }
        } finally {
            for (LoglikelihoodScorer scorer : made) {
                if (scorer instanceof AutoCloseable c) {
                    release(c);
                }
            }
        }
        List<ItemScore> scored = Arrays.stream(scores).takeWhile(s -> s != null).toList();
        if (error.get() != null) {
            return failed(task, definition, picked.length, shots, scored, error.get(), t0);
        }
        return new TaskResult(task.name(), task.group(), task.kind(), definition, task.docs().size(), picked.length, shots,
                scored, TaskMetrics.of(task.kind(), task.reportsAccNorm(), scored), true, null,
                (System.nanoTime() - t0) / 1e9, task.dataFiles());
    }

    /**
     * The token-level requests {@link #run} scores for the same arguments, item by item in the order of its
     * {@link TaskResult#items()}: what a cross-check with another engine feeds it.
     */
    public List<List<EncodedRequest>> encodedRequests(Task task, int shots, long fewShotSeed, ItemSelection selection) {
        PromptBuilder prompts = new PromptBuilder(task, shots, fewShotSeed);
        RequestEncoder encoder = new RequestEncoder(tokenizer);
        List<List<EncodedRequest>> out = new ArrayList<>();
        for (int index : selection.select(task.docs().size())) {
            out.add(encode(encoder, prompts.requests(index)));
        }
        return out;
    }

    private static void release(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release a task worker: " + e.getMessage(), e);
        }
    }

    private static String where(Task task, int index) {
        return task.dataFiles().getFirst() + ": line " + task.docs().get(index).line();
    }

    /** Runs {@code body(i)} for i in [0, n) on the workers; the first failure is kept and stops the rest. */
    private void parallel(ExecutorService workers, int n, AtomicReference<String> error,
                          java.util.function.IntConsumer body) {
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < batch; w++) {
            futures.add(workers.submit(() -> {
                for (int i; !stop.get() && (i = next.getAndIncrement()) < n; ) {
                    if (Thread.currentThread().isInterrupted()) {
                        stop.set(true);
                        error.compareAndSet(null, "cancelled");
                        return;
                    }
                    try {
                        body.accept(i);
                    } catch (RuntimeException e) {
                        stop.set(true);
                        error.compareAndSet(null, e.getMessage());
                        return;
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                stop.set(true);
                error.compareAndSet(null, "cancelled");
                workers.shutdownNow();
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                stop.set(true);
                error.compareAndSet(null, String.valueOf(e.getCause()));
            }
        }
    }

    private static List<EncodedRequest> encode(RequestEncoder encoder, List<Request> requests) {
        List<EncodedRequest> out = new ArrayList<>(requests.size());
        for (Request r : requests) {
            out.add(encoder.encode(r));
        }
        return out;
    }

    private static Demand demand(List<List<EncodedRequest>> encoded) {
        int longest = 1;
        int branchTokens = 0;
        for (List<EncodedRequest> item : encoded) {
            int shared = Integer.MAX_VALUE;
            long total = 0;
            EncodedRequest first = item.getFirst();
            for (EncodedRequest r : item) {
                int n = r.context().length + r.continuation().length - 1;
                longest = Math.max(longest, n);
                total += n;
                shared = Math.min(shared, sharedInput(first, r));
            }
            branchTokens = (int) Math.max(branchTokens, Math.min(Integer.MAX_VALUE / 2, total - (long) shared * item.size()));
        }
        return new Demand(longest, branchTokens);
    }

    /** The length of the common prefix of two requests' inputs (context + continuation - 1). */
    private static int sharedInput(EncodedRequest a, EncodedRequest b) {
        int n = Math.min(a.context().length + a.continuation().length, b.context().length + b.continuation().length) - 1;
        int i = 0;
        while (i < n && token(a, i) == token(b, i)) {
            i++;
        }
        return i;
    }

    private static int token(EncodedRequest r, int i) {
        return i < r.context().length ? r.context()[i] : r.continuation()[i - r.context().length];
    }

    private static ItemScore itemScore(Doc doc, List<Loglikelihood> results) {
        int k = results.size();
        double[] ll = new double[k];
        boolean[] greedy = new boolean[k];
        double[] normalised = new double[k];
        for (int c = 0; c < k; c++) {
            ll[c] = results.get(c).logProb();
            greedy[c] = results.get(c).greedy();
            normalised[c] = ll[c] / doc.choiceTexts().get(c).getBytes(StandardCharsets.UTF_8).length;
        }
        return new ItemScore(doc.line(), ll, greedy, doc.gold(), TaskMetrics.argmax(ll), TaskMetrics.argmax(normalised));
    }

    private TaskResult failed(Task task, String definition, int selected, int shots, List<ItemScore> scored,
                              String error, long t0) {
        return new TaskResult(task.name(), task.group(), task.kind(), definition, task.docs().size(), selected, shots,
                scored, List.of(), false, error, (System.nanoTime() - t0) / 1e9, task.dataFiles());
    }

    private String definition(Task task, PromptBuilder prompts, ItemSelection selection) {
        String scoring = task.kind() == TaskKind.LAST_WORD ? ""
                : "; acc = argmax of the summed log-likelihoods of the continuation tokens"
                + (task.reportsAccNorm() ? ", acc_norm = argmax of sum / UTF-8 bytes of the choice" : "");
        return task.name() + ": " + task.promptFormat() + "; " + prompts.describe() + "; " + selection.describe()
                + scoring + "; context+continuation encoded whole and split at the context's token count (lm-eval)"
                + (tokenizer.addBos() && tokenizer.bosId().isPresent() ? ", BOS first" : ", no BOS")
                + "; inputs longer than the model's context are cut from the left";
    }
}
