package org.quantbench.ui.view;

import javafx.scene.Scene;

import java.util.Objects;

/** The light and dark style sheets: base.css for layout plus one palette. */
public final class Theme {
    private static final String BASE = css("base.css");
    private static final String LIGHT = css("light.css");
    private static final String DARK = css("dark.css");

    private Theme() {}

    public static void apply(Scene scene, boolean dark) {
        scene.getStylesheets().setAll(dark ? DARK : LIGHT, BASE);
    }

    private static String css(String name) {
        return Objects.requireNonNull(Theme.class.getResource("/org/quantbench/ui/theme/" + name),
                "style sheet missing from the build: " + name).toExternalForm();
    }
}
