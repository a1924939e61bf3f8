package org.quantbench.ui.view;

import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.workbench.WorkbenchDirs;
import org.quantbench.workbench.measure.ModelLoading;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real window with bad input: a results database that cannot be opened (history disabled), then an unreadable
 * model and a corrupt config; each ends in a dialog with the reason and the window stays up.
 */
@ExtendWith({RequiresDisplay.class, ApplicationExtension.class})
class WindowBadInputTest {
    @TempDir
    static Path dir;

    private WorkbenchWindow window;

    @Start
    void start(Stage stage) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("results"), "a file where the database folder should be");
        window = new WorkbenchWindow(stage, new WorkbenchDirs(home), new ModelLoading(dir.resolve("cache")),
                Map.of("HF_HOME", dir.resolve("hf").toString()));
        window.show();
    }

    private static String dismissDialog(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#dialog-reason").tryQuery().isPresent());
        String reason = robot.lookup("#dialog-reason").queryAs(Label.class).getText();
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#dialog-reason").tryQuery().isEmpty());
        return reason;
    }

    @Test
    void theWindowOpensWithoutItsDatabaseAndEveryBadInputEndsInADialog(FxRobot robot) throws Exception {
        assertThat(dismissDialog(robot)).contains("cannot create").contains("History is disabled");
        assertThat(window.stage().isShowing()).isTrue();
        assertThat(window.main().statusProperty().get()).contains("history disabled");

        Path junk = Files.write(dir.resolve("junk.bin"), new byte[] {1, 2, 3});
        TextField model = robot.lookup("#model-path").queryAs(TextField.class);
        robot.interact(() -> model.setText(junk.toString()));
        robot.clickOn("#open-model");
        assertThat(dismissDialog(robot)).contains("junk.bin");

        Path corrupt = Files.writeString(dir.resolve("corrupt.json"), "{ \"name\": ");
        javafx.application.Platform.runLater(() -> window.setup().load(corrupt));
        assertThat(dismissDialog(robot)).contains("corrupt.json");
        assertThat(window.stage().isShowing()).isTrue();
    }
}
