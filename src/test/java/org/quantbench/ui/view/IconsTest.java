package org.quantbench.ui.view;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * icons/ holds each {@link Icon} as an SVG file; this keeps them in step with the code (needs no display).
 * {@code -Dquantbench.icons.write=true} rewrites them after an icon changed.
 */
class IconsTest {
    private static final Path ICONS = Path.of("icons");

    @Test
    void everyIconIsInTheIconsFolderAsSvg() throws IOException {
        boolean write = Boolean.getBoolean("quantbench.icons.write");
        for (Icon icon : Icon.values()) {
            Path file = ICONS.resolve(icon.name().toLowerCase(Locale.ROOT) + ".svg");
            String svg = icon.svg("#1d2330");
            if (write) {
                Files.createDirectories(ICONS);
                Files.writeString(file, svg);
            }
            assertThat(file).as("run with -Dquantbench.icons.write=true to refresh icons/").exists();
            assertThat(Files.readString(file)).as(file.toString()).isEqualTo(svg);
        }
    }

    @Test
    void pathsStayOnTheGrid() {
        for (Icon icon : Icon.values()) {
            for (String number : icon.path().split("[^0-9.]+")) {
                if (!number.isEmpty()) {
                    assertThat(Double.parseDouble(number)).as(icon + " " + number).isBetween(0.0, 24.0);
                }
            }
        }
    }
}
