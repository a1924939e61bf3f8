package org.quantbench.ui.viewmodel;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** Runs background work at once on the calling thread, so view-model tests need neither threads nor a toolkit. */
final class InlineBackground implements Background {
    @Override
    public <T> void submit(Callable<T> work, Consumer<T> done, Consumer<Exception> failed) {
        T result;
        try {
            result = work.call();
        } catch (Exception e) {
            failed.accept(e);
            return;
        }
        done.accept(result);
    }

    @Override
    public void onUi(Runnable action) {
        action.run();
    }
}
