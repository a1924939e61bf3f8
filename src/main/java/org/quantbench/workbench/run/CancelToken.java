package org.quantbench.workbench.run;

import java.util.concurrent.CancellationException;

/** Cooperative cancel: a run checks it between windows, items, linears and steps. Thread-safe. */
public final class CancelToken {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** @throws CancellationException once cancelled */
    public void check() {
        if (cancelled) {
            throw new CancellationException("cancelled");
        }
    }
}
