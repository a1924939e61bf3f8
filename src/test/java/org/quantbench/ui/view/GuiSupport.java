package org.quantbench.ui.view;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.Image;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** PNG snapshots for the GUI tests. */
final class GuiSupport {
    private GuiSupport() {}

    /** Writes a snapshot of the scene as a PNG (call on the FX thread). */
    static Path png(Scene scene, Path file) {
        return png(scene.snapshot(null), file);
    }

    static Path png(Image image, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
