package org.quantbench.ui.view;

import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quantbench.testing.SharedData;
import org.quantbench.ui.viewmodel.Page;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders every main view, light and dark, to PNG and checks each shows real content. With
 * {@code -Dquantbench.screenshots=docs/screenshots} the files land there (that is how the docs' pictures are made);
 * otherwise under target/.
 */
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {
    private WorkbenchWindow window;

    @BeforeAll
    static void display() {
        GuiSupport.assumeDisplay();
    }

    @Start
    void start(Stage stage) {
        window = new WorkbenchWindow(stage);
        window.show();
    }

    @Test
    void everyMainViewRendersInBothThemes(FxRobot robot) throws IOException {
        Path dir = Path.of(System.getProperty("quantbench.screenshots", "target/screenshots"));
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        robot.interact(() -> window.model().open(model, null));
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            window.schemes().selectOnly(java.util.List.of("W8A8-INT", "W4A16-RTN-g128-sym", "NF4-DQ", "Q4_0"));
            window.evaluations().textFileProperty().set("../shared/data/wikitext2/wiki.test.raw");
        });
        for (boolean dark : new boolean[] {false, true}) {
            robot.interact(() -> window.main().darkProperty().set(dark));
            for (Page page : Page.values()) {
                if (robot.lookup("#nav-" + page.name().toLowerCase(Locale.ROOT)).tryQuery().isEmpty()) {
                    continue;
                }
                robot.interact(() -> window.main().pageProperty().set(page));
                WaitForAsyncUtils.waitForFxEvents();
                Path file = dir.resolve(page.name().toLowerCase(Locale.ROOT) + (dark ? "-dark" : "") + ".png");
                robot.interact(() -> GuiSupport.png(window.scene(), file));
                assertThat(distinctColours(file)).as(file.toString()).isGreaterThan(50);
            }
        }
    }

    private static int distinctColours(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
