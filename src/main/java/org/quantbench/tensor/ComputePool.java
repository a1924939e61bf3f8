package org.quantbench.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The one shared pool that runs compute kernels. Work is split into a fixed number of chunks chosen by the
 * caller (never by the thread count) and each output is produced by exactly one chunk, so results are identical
 * for any number of threads.
 */
public final class ComputePool implements AutoCloseable {
    private static volatile ComputePool shared;

    private final int threads;
    private final ForkJoinPool pool;

    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** A process-wide pool sized to the cores (or {@code -Dquantbench.threads=N}). */
    public static ComputePool shared() {
        ComputePool p = shared;
        if (p == null) {
            synchronized (ComputePool.class) {
                if (shared == null) {
                    int n = Integer.getInteger("quantbench.threads", Runtime.getRuntime().availableProcessors());
                    shared = new ComputePool(Math.max(1, n));
                }
                p = shared;
            }
        }
        return p;
    }

    public int threads() { return threads; }

    /** Below this many multiply-adds a task costs more to hand to another thread than to run. */
    static final long MIN_PARALLEL_WORK = 1 << 15;

    /** Runs {@code body} for chunk indices [0, chunks); returns when all are done. */
    public void forEach(int chunks, IntConsumer body) {
        forEach(chunks, Long.MAX_VALUE, body);
    }

    /**
     * As {@link #forEach(int, IntConsumer)}, running on the calling thread when the whole job ({@code chunks x
     * workPerChunk} multiply-adds) is too small to be worth splitting. The result is the same either way.
     */
    public void forEach(int chunks, long workPerChunk, IntConsumer body) {
        if (chunks <= 0) {
            return;
        }
        boolean small = workPerChunk < MIN_PARALLEL_WORK && (long) chunks * workPerChunk < MIN_PARALLEL_WORK;
        if (pool == null || chunks == 1 || small || java.util.concurrent.ForkJoinTask.getPool() == pool) {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
            return;
        }
        pool.invoke(new Range(body, 0, chunks));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    private static final class Range extends RecursiveAction {
        private static final long serialVersionUID = 1L;

        private final transient IntConsumer body;
        private final int from;
        private final int to;

        Range(IntConsumer body, int from, int to) {
            this.body = body;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                body.accept(from);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Range(body, from, mid), new Range(body, mid, to));
        }
    }
}
