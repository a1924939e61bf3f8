package org.quantbench.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The one shared pool that runs compute kernels. Work is split into a fixed number of chunks chosen by the
 * caller (never by the thread count) and each output is produced by exactly one chunk, so results are identical
 * for any number of threads.
 * <p>
 * Decode calls it for every linear of every layer: jobs of tens of microseconds, where waking a parked
 * ForkJoinPool worker cost more than the job (two threads ran a 1536x576 GEMV slower than one). So the caller
 * works too, chunks are taken from a shared counter, and idle workers spin briefly before parking: between the
 * linears of one token they are still spinning when the next job is posted.
 */
public final class ComputePool implements AutoCloseable {
    private static volatile ComputePool shared;

    /** How long an idle worker spins before parking; covers the gaps between the kernels of one token. */
    private static final long SPIN_NANOS = 2_000_000;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock submit = new ReentrantLock();
    private final ThreadLocal<Boolean> insideJob = ThreadLocal.withInitial(() -> false);
    private volatile Job posted;
    private volatile boolean closed;

    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("quantbench-compute-" + (i + 1));
            workers[i].start();
        }
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
     * workPerChunk} multiply-adds) is too small to be worth splitting. The result is the same either way. A body
     * that calls forEach again runs its inner job on its own thread.
     */
    public void forEach(int chunks, long workPerChunk, IntConsumer body) {
        if (chunks <= 0) {
            return;
        }
        boolean small = workPerChunk < MIN_PARALLEL_WORK && (long) chunks * workPerChunk < MIN_PARALLEL_WORK;
        if (workers.length == 0 || chunks == 1 || small || insideJob.get() || Thread.currentThread() instanceof Worker) {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
            return;
        }
        if (closed) {
            throw new IllegalStateException("compute pool is closed");
        }
        submit.lock();
        insideJob.set(true);
        try {
            Job job = new Job(body, chunks);
            posted = job;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            job.work();
            job.awaitDone();
            job.rethrow();
        } finally {
            posted = null;
            insideJob.set(false);
            submit.unlock();
        }
    }

    /** Work on items [from, to) of a range split by {@link #forRanges}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Splits items [0, n) into one contiguous range per thread and runs them as {@link #forEach(int, long,
     * IntConsumer)} does (on the caller when the whole job is small): for work whose items are independent, so the
     * result is the same however they are split.
     */
    public void forRanges(int n, long workPerItem, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int parts = Math.min(threads, n);
        forEach(parts, workPerItem * ((n + parts - 1) / parts), p -> body.run(p * n / parts, (p + 1) * n / parts));
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** One forEach call: chunks are claimed from {@code next}; {@code done} counts the finished ones. */
    private static final class Job {
        final IntConsumer body;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int chunks) {
            this.body = body;
            this.chunks = chunks;
        }

        void work() {
            for (int i; (i = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /** Spins while the last chunks finish; yields after a while, since a descheduled worker may hold one. */
        void awaitDone() {
            for (int i = 0; done.get() < chunks; i++) {
                if (i < 4096) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        void rethrow() {
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            Job last = null;
            while (!closed) {
                Job job = posted;
                if (job != null && job != last) {
                    last = job;
                    job.work();
                    continue;
                }
                idle(last);
            }
        }

        private boolean nothingNew(Job last) {
            Job p = posted;
            return (p == null || p == last) && !closed;
        }

        /** Spins until a new job is posted or the spin time is up, then parks until unparked. */
        private void idle(Job last) {
            long until = System.nanoTime() + SPIN_NANOS;
            for (int i = 0; nothingNew(last); i++) {
                Thread.onSpinWait();
                if ((i & 1023) == 0 && System.nanoTime() > until) {
                    parked = true;
                    if (nothingNew(last)) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    return;
                }
            }
        }
    }
}
