package org.quantbench.ui;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.quantbench.cli.Main;
import org.quantbench.ui.view.FxDialogs;
import org.quantbench.ui.view.WorkbenchWindow;

/**
 * The launcher's entry point: with no arguments it opens the workbench window, otherwise it runs the command line.
 * It does not extend {@link Application} itself, so the JVM starts it with JavaFX on the plain class path.
 */
public final class QuantBenchApp {
    private QuantBenchApp() {}

    public static void main(String[] args) {
        if (args.length > 0) {
            Main.main(args);
            return;
        }
        try {
            Application.launch(Gui.class);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // No display (a server, an SSH session without X): say so and point at the command line.
            System.err.println("quantbench: cannot open the window (" + e.getMessage() + ").");
            System.err.println("Set DISPLAY (or run under xvfb-run), or use the command line: quantbench --help");
            System.exit(1);
        }
    }

    /** The JavaFX application class; only {@link #main} starts it. */
    public static final class Gui extends Application {
        @Override
        public void start(Stage stage) {
            try {
                WorkbenchWindow.withDefaults(stage).show();
            } catch (RuntimeException e) {
                // The display works, so the reason is something else (e.g. an unwritable home folder): say which.
                new FxDialogs(() -> null).error("QuantBench cannot start", e.getMessage() == null ? e.toString() : e.getMessage());
                Platform.exit();
            }
        }
    }
}
