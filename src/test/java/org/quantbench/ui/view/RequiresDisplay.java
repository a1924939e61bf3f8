package org.quantbench.ui.view;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Locale;

/**
 * Skips a GUI test class, with the reason in the report, when there is no display to open a window on. Conditions run
 * before TestFX starts the toolkit, which would otherwise fail. CI wraps the suite in {@code xvfb-run -a}, which sets
 * DISPLAY, so there the GUI tests run.
 */
final class RequiresDisplay implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        if (!linux || set("DISPLAY") || set("WAYLAND_DISPLAY")) {
            return ConditionEvaluationResult.enabled("a display is available");
        }
        return ConditionEvaluationResult.disabled("no display (DISPLAY unset): the JavaFX window tests are skipped;"
                + " run them under a virtual display with `xvfb-run -a mvn test`, as CI does");
    }

    private static boolean set(String name) {
        String v = System.getenv(name);
        return v != null && !v.isBlank();
    }
}
