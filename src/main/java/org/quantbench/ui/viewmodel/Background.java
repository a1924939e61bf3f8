package org.quantbench.ui.viewmodel;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs slow work off the UI thread and hands the outcome back on it. View models only see this interface, so their
 * tests run the work inline without a toolkit; the app's implementation uses a worker thread and the FX thread.
 */
public interface Background {

    /** Runs {@code work} in the background, then {@code done} or {@code failed} on the UI thread. */
    <T> void submit(Callable<T> work, Consumer<T> done, Consumer<Exception> failed);

    /** Runs {@code action} on the UI thread (now when already there). */
    void onUi(Runnable action);
}
