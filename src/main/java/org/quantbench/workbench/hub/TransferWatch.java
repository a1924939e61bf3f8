package org.quantbench.workbench.hub;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Watches one response body from beside it: java.net.http has no read timeout and a blocked read ignores both a
 * cancel flag and thread interrupts, so when the user cancels, the downloading thread is interrupted, or no byte
 * has arrived for the stall timeout, this closes the stream, which wakes the read.
 */
final class TransferWatch implements AutoCloseable {
    enum Verdict { RUNNING, CANCELLED, STALLED }

    private final InputStream body;
    private final BooleanSupplier cancelled;
    private final Thread worker;
    private final long stallNanos;
    private final Thread watcher;
    private volatile long lastBytes = System.nanoTime();
    private volatile Verdict verdict = Verdict.RUNNING;

    TransferWatch(InputStream body, BooleanSupplier cancelled, Duration stallTimeout) {
        this.body = body;
        this.cancelled = cancelled;
        this.worker = Thread.currentThread();
        this.stallNanos = stallTimeout.toNanos();
        long pollMillis = Math.max(10, Math.min(200, stallTimeout.toMillis() / 4));
        this.watcher = Thread.ofVirtual().name("hub-transfer-watch").start(() -> watch(pollMillis));
    }

    private void watch(long pollMillis) {
        try {
            while (verdict == Verdict.RUNNING) {
                Thread.sleep(pollMillis);
                if (cancelled.getAsBoolean() || worker.isInterrupted()) {
                    stop(Verdict.CANCELLED);
                } else if (System.nanoTime() - lastBytes > stallNanos) {
                    stop(Verdict.STALLED);
                }
            }
        } catch (InterruptedException e) {
            // close() ends the watch
        }
    }

    private void stop(Verdict why) {
        verdict = why;
        try {
            body.close();
        } catch (IOException e) {
            // the read that wakes up reports the transfer's end; nothing more to say here
        }
    }

    void bytesArrived() {
        lastBytes = System.nanoTime();
    }

    Verdict verdict() {
        return verdict;
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
