package org.quantbench.ui.view;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import org.junit.jupiter.api.Assumptions;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the GUI tests share: the display check that skips them without an X server, and PNG snapshots. */
final class GuiSupport {
    private GuiSupport() {}

    /**
     * Skips the calling test class, with the reason, when there is no display to open a window on. CI wraps the
     * suite in {@code xvfb-run -a}, which sets DISPLAY, so there they run.
     */
    static void assumeDisplay() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        String display = System.getenv("DISPLAY");
        String wayland = System.getenv("WAYLAND_DISPLAY");
        boolean has = !linux || (display != null && !display.isBlank()) || (wayland != null && !wayland.isBlank());
        Assumptions.assumeTrue(has, "no display (DISPLAY unset): the JavaFX window tests are skipped;"
                + " run them under a virtual display with `xvfb-run -a mvn test` as CI does");
    }

    /** Writes a snapshot of the scene as a PNG (call on the FX thread). */
    static Path png(Scene scene, Path file) {
        return png(scene.snapshot(null), file);
    }

    static Path png(Node node, Path file) {
        return png(node.snapshot(null, null), file);
    }

    private static Path png(WritableImage image, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
