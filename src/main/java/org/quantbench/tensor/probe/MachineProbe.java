package org.quantbench.tensor.probe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures this machine's two ceilings for engine throughput: the FP32 FMA peak reachable through the Vector API
 * and the streaming memory-read bandwidth. Benchmarks call it between their runs, because the bandwidth of a
 * shared machine drifts (here between about 35 and 70 GB/s), and a ratio is only honest against a ceiling
 * measured in the same run.
 *
 * <p>Both probes use the CPU's preferred float species whatever {@code VectorSupport} was forced to: they measure
 * the machine, not the kernels' configuration. The bandwidth buffer is allocated on first use and kept until
 * {@link #close()}, so that probes interleaved with benchmark runs do not pay for mapping and zeroing it again.
 * One probe runs at a time (the methods are synchronized): two at once would measure each other.
 */
public final class MachineProbe implements AutoCloseable {
    public static final Duration DEFAULT_FMA_WINDOW = Duration.ofMillis(300);
    public static final long DEFAULT_BUFFER_BYTES = 1L << 30;
    public static final int DEFAULT_PASSES = 8;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final long VECTOR_BYTES = SPECIES.vectorByteSize();
    /** Independent FMA chains: enough to cover FMA latency times issue width (4 cycles x 2 pipes) with margin. */
    private static final int CHAINS = 12;
    private static final int FMA_CHUNK_ITERATIONS = 1 << 14;
    /** The FMA window is cut into passes and the fastest counts, which drops a pass slowed by a late JIT compile. */
    private static final int FMA_PASSES = 3;
    private static final int WARM_UP_CALLS = 20_000;
    private static final long MIN_BUFFER_BYTES = 4 * 4 * VECTOR_BYTES;
    private static final int MAX_THREADS = 1024;

    private final long fmaWindowNanos;
    private final long bufferBytes;
    private final int passes;
    private final Arena arena = Arena.ofShared();
    private MemorySegment buffer;
    private MemorySegment warmUpBuffer;

    /** Results are summed into this so that C2 cannot discard the measured loops. */
    private static volatile float sink;

    /** The configuration reports use: a 0.3 s FMA window, a 1 GiB buffer (far beyond any L3), best of 8 passes. */
    public MachineProbe() {
        this(DEFAULT_FMA_WINDOW, DEFAULT_BUFFER_BYTES, DEFAULT_PASSES);
    }

    /**
     * @param fmaWindow   how long each thread runs the FMA loop, all passes together
     * @param bufferBytes size of the off-heap buffer the bandwidth probe streams through; rounded down to whole
     *                    unrolled vector steps. Anything that fits in cache measures the cache, not memory.
     * @param passes      bandwidth passes over the buffer; the fastest counts
     */
    public MachineProbe(Duration fmaWindow, long bufferBytes, int passes) {
        if (fmaWindow.isNegative() || fmaWindow.isZero()) {
            throw new IllegalArgumentException("FMA window must be positive: " + fmaWindow);
        }
        if (bufferBytes < MIN_BUFFER_BYTES) {
            throw new IllegalArgumentException("buffer must hold at least " + MIN_BUFFER_BYTES + " bytes: " + bufferBytes);
        }
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be at least 1: " + passes);
        }
        this.fmaWindowNanos = fmaWindow.toNanos();
        this.bufferBytes = bufferBytes / (4 * VECTOR_BYTES) * (4 * VECTOR_BYTES);
        this.passes = passes;
    }

    /** Float vector width the probes run with, in bits. */
    public static int vectorBits() { return SPECIES.vectorBitSize(); }

    /**
     * FP32 multiply-add throughput of {@code threads} platform threads running register-resident FMA chains
     * together, in GFLOP/s (an FMA counts as 2 flops per lane): the fastest of three passes that share the window.
     */
    public synchronized double fmaPeakGflops(int threads) {
        checkThreads(threads);
        float warm = 0;
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            warm += fmaChains(i, 16);
        }
        sink = warm;
        long[][] flops = new long[FMA_PASSES][threads];
        long flopsPerChunk = 2L * LANES * CHAINS * FMA_CHUNK_ITERATIONS;
        long passNanos = Math.max(1, fmaWindowNanos / FMA_PASSES);
        long[] nanos = runTogether(threads, FMA_PASSES, (t, pass) -> {
            long deadline = System.nanoTime() + passNanos;
            float acc = 0;
            long chunks = 0;
            do {
                acc += fmaChains(t + chunks, FMA_CHUNK_ITERATIONS);
                chunks++;
            } while (System.nanoTime() < deadline);
            flops[pass][t] = chunks * flopsPerChunk;
            sink = acc;
        });
        double best = 0;
        for (int pass = 0; pass < FMA_PASSES; pass++) {
            long total = 0;
            for (long f : flops[pass]) {
                total += f;
            }
            best = Math.max(best, (double) total / nanos[pass]);
        }
        return best;
    }

    /**
     * Streaming read bandwidth, in GB/s (10^9 bytes per second): {@code threads} platform threads sum disjoint
     * contiguous slices of an off-heap buffer with float vectors; the fastest of the passes counts.
     */
    public synchronized double memoryBandwidthGBs(int threads) {
        checkThreads(threads);
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("this probe is closed");
        }
        if (buffer == null) {
            warmUpBuffer = arena.allocate(16 * 1024, 64);
            // Arena.allocate zero-fills, so every page is touched (and mapped) before the first timed pass.
            buffer = arena.allocate(bufferBytes, 4096);
        }
        float warm = 0;
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            warm += sum(warmUpBuffer, 0, warmUpBuffer.byteSize());
        }
        sink = warm;
        MemorySegment data = buffer;
        long slice = bufferBytes / threads / VECTOR_BYTES * VECTOR_BYTES;
        long[] nanos = runTogether(threads, passes, (t, pass) -> {
            long from = t * slice;
            long to = t == threads - 1 ? bufferBytes : from + slice;
            sink = sum(data, from, to);
        });
        long best = Long.MAX_VALUE;
        for (long n : nanos) {
            best = Math.min(best, n);
        }
        return (double) bufferBytes / best;
    }

    /** Frees the bandwidth buffer; the probe cannot be used afterwards. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    private static float fmaChains(long seed, int iterations) {
        FloatVector m = FloatVector.broadcast(SPECIES, 0.9999999f);
        FloatVector c = FloatVector.broadcast(SPECIES, 1e-7f);
        float s = (seed & 1023) * 1e-3f;
        FloatVector a0 = FloatVector.broadcast(SPECIES, s);
        FloatVector a1 = FloatVector.broadcast(SPECIES, s + 1);
        FloatVector a2 = FloatVector.broadcast(SPECIES, s + 2);
        FloatVector a3 = FloatVector.broadcast(SPECIES, s + 3);
        FloatVector a4 = FloatVector.broadcast(SPECIES, s + 4);
        FloatVector a5 = FloatVector.broadcast(SPECIES, s + 5);
        FloatVector a6 = FloatVector.broadcast(SPECIES, s + 6);
        FloatVector a7 = FloatVector.broadcast(SPECIES, s + 7);
        FloatVector a8 = FloatVector.broadcast(SPECIES, s + 8);
        FloatVector a9 = FloatVector.broadcast(SPECIES, s + 9);
        FloatVector a10 = FloatVector.broadcast(SPECIES, s + 10);
        FloatVector a11 = FloatVector.broadcast(SPECIES, s + 11);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    private static float sum(MemorySegment segment, long from, long to) {
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = FloatVector.zero(SPECIES);
        FloatVector s2 = FloatVector.zero(SPECIES);
        FloatVector s3 = FloatVector.zero(SPECIES);
        ByteOrder order = ByteOrder.nativeOrder();
        long offset = from;
        for (; offset + 4 * VECTOR_BYTES <= to; offset += 4 * VECTOR_BYTES) {
            s0 = s0.add(FloatVector.fromMemorySegment(SPECIES, segment, offset, order));
            s1 = s1.add(FloatVector.fromMemorySegment(SPECIES, segment, offset + VECTOR_BYTES, order));
            s2 = s2.add(FloatVector.fromMemorySegment(SPECIES, segment, offset + 2 * VECTOR_BYTES, order));
            s3 = s3.add(FloatVector.fromMemorySegment(SPECIES, segment, offset + 3 * VECTOR_BYTES, order));
        }
        for (; offset + VECTOR_BYTES <= to; offset += VECTOR_BYTES) {
            s0 = s0.add(FloatVector.fromMemorySegment(SPECIES, segment, offset, order));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Runs {@code work(threadIndex, pass)} on {@code threads} fresh platform threads, {@code passes} times, every pass
     * released at once; returns the wall-clock nanoseconds of each pass (release to the last thread's finish).
     */
    private static long[] runTogether(int threads, int passes, PassWork work) {
        CyclicBarrier barrier = new CyclicBarrier(threads + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers.add(Thread.ofPlatform().daemon().name("quantbench-probe-" + t).start(() -> {
                try {
                    for (int p = 0; p < passes; p++) {
                        barrier.await();
                        // A failed thread keeps meeting the barrier so that no one waits forever.
                        if (failure.get() == null) {
                            try {
                                work.run(index, p);
                            } catch (RuntimeException | Error e) {
                                failure.compareAndSet(null, e);
                            }
                        }
                        barrier.await();
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    // the caller gave up on this run; nothing left to do
                }
            }));
        }
        long[] nanos = new long[passes];
        try {
            for (int p = 0; p < passes; p++) {
                barrier.await();
                long start = System.nanoTime();
                barrier.await();
                nanos[p] = System.nanoTime() - start;
            }
        } catch (InterruptedException | BrokenBarrierException e) {
            workers.forEach(Thread::interrupt);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("interrupted while probing the machine", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a probe thread failed", failure.get());
        }
        return nanos;
    }

    @FunctionalInterface
    private interface PassWork {
        void run(int thread, int pass);
    }

    private static void checkThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "]: " + threads);
        }
    }
}
