package org.quantbench.ui.view;

import javafx.application.Platform;
import org.quantbench.ui.viewmodel.Background;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Short background work (opening a model, scanning a folder) on a daemon thread; results return on the FX thread. */
public final class FxBackground implements Background, AutoCloseable {
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "quantbench-ui-worker");
        t.setDaemon(true);
        return t;
    });

    @Override
    public <T> void submit(Callable<T> work, Consumer<T> done, Consumer<Exception> failed) {
        worker.execute(() -> {
            try {
                T result = work.call();
                Platform.runLater(() -> done.accept(result));
            } catch (Exception e) {
                Platform.runLater(() -> failed.accept(e));
            } catch (Error e) {
                // An OutOfMemoryError from a huge file must reach the user as a reason, not kill the worker silently.
                Platform.runLater(() -> failed.accept(new IllegalStateException(e.toString(), e)));
            }
        });
    }

    @Override
    public void onUi(Runnable action) {
        if (Platform.isFxApplicationThread()) {
            action.run();
        } else {
            Platform.runLater(action);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
