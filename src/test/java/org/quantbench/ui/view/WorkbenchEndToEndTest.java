package org.quantbench.ui.view;

import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.workbench.WorkbenchDirs;
import org.quantbench.workbench.demo.DemoModel;
import org.quantbench.workbench.jobs.JobState;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.table.Row;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import org.quantbench.ui.viewmodel.MemoryViewModel;
import org.quantbench.ui.viewmodel.Page;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the real window (under Xvfb in CI): open stories260K, tick three schemes, run, watch the table fill, export.
 * Uses the demo copy of stories260K that ships inside the app, so it needs no ../shared.
 */
@ExtendWith({RequiresDisplay.class, ApplicationExtension.class})
class WorkbenchEndToEndTest {
    @TempDir
    static Path dir;

    private WorkbenchWindow window;

    @Start
    void start(Stage stage) {
        window = new WorkbenchWindow(stage, new WorkbenchDirs(dir.resolve("home")), new ModelLoading(dir.resolve("cache")),
                Map.of("HF_HOME", dir.resolve("hf").toString()));
        window.show();
    }

    private static void setText(FxRobot robot, String id, String text) {
        TextField field = robot.lookup(id).queryAs(TextField.class);
        robot.interact(() -> field.setText(text));
    }

    @Test
    void openTickRunSeeTheTableFillAndExport(FxRobot robot) throws Exception {
        // ${DEMO}: the demo folder of the window's home, as a config names it (and a neutral path in the screenshots).
        setText(robot, "#model-path", "${DEMO}/" + DemoModel.MODEL);
        setText(robot, "#tokenizer-path", "${DEMO}/" + DemoModel.TOKENIZER);
        robot.clickOn("#open-model");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.model().summaryProperty().get() != null);
        assertThat(robot.lookup("#model-facts").queryAs(TableView.class).getItems()).isNotEmpty();
        robot.clickOn("#memory-tab");
        assertThat(robot.lookup("#memory-table").queryAs(TableView.class).getItems()).hasSize(MemoryViewModel.FORMATS.size());
        assertThat(window.memory().sourceProperty().get().toString()).isEqualTo("Opened: stories260K.bin");

        robot.clickOn("#nav-schemes");
        for (String scheme : new String[] {"W8A8-INT", "FP8-dynamic", "NF4-DQ"}) {
            robot.clickOn("#tick-" + scheme);
        }
        assertThat(window.schemes().selectedNames()).containsExactly("W8A8-INT", "FP8-dynamic", "NF4-DQ");

        robot.clickOn("#nav-evaluations");
        setText(robot, "#eval-text", "${DEMO}/" + DemoModel.TEXT);
        setText(robot, "#eval-ctx", "64");
        setText(robot, "#eval-stride", "64");
        setText(robot, "#eval-max-windows", "2");
        setText(robot, "#eval-prompt", "8");
        setText(robot, "#eval-gen", "2");
        setText(robot, "#eval-streams", "1, 2");
        setText(robot, "#eval-repeats", "1");
        setText(robot, "#run-threads", "1");
        assertThat(window.evaluations().problems()).isEmpty();

        robot.clickOn("#tool-run");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !window.jobs().jobs().isEmpty());
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> window.jobs().jobs().getFirst().stateProperty().get().ended());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.jobs().jobs().getFirst().stateProperty().get()).isEqualTo(JobState.DONE);

        robot.clickOn("#nav-compare");
        TableView<?> results = robot.lookup("#results-table").queryAs(TableView.class);
        assertThat(results.getItems()).extracting(r -> ((Row) r).scheme()).containsExactly("base", "W8A8-INT", "FP8-dynamic", "NF4-DQ");
        assertThat(results.getColumns().size()).isGreaterThan(4);
        assertThat(window.compare().runs()).hasSize(1);

        robot.clickOn("#nav-export");
        Path out = dir.resolve("export");
        setText(robot, "#export-folder", out.toString());
        setText(robot, "#export-name", "demo");
        robot.clickOn("#export-chart-png");
        robot.clickOn("#export-chart-svg");
        robot.clickOn("#export-table-csv");
        robot.clickOn("#export-table-md");
        robot.clickOn("#export-table-json");
        assertThat(Files.readString(out.resolve("demo.csv"))).contains("W8A8-INT").contains("FP8-dynamic").contains("NF4-DQ");
        assertThat(Files.readString(out.resolve("demo.md"))).contains("| NF4-DQ");
        assertThat(out.resolve("demo.json")).isNotEmptyFile();
        String chart = window.export().chartKindProperty().get().fileStem();
        assertThat(ImageIO.read(out.resolve("demo-" + chart + ".png").toFile()).getWidth()).isEqualTo(1000);
        assertThat(Files.readString(out.resolve("demo-" + chart + ".svg"))).contains("<svg");
        robot.clickOn("#nav-compare");
        assertThat(robot.lookup("#chart-viewer").queryAs(org.jfree.chart.fx.ChartViewer.class).getChart()).isNotNull();
        robot.interact(() -> window.export().folderProperty().set("results/demo"));
        // The run's quantized models are in the cache the window shares with its jobs; the Cache page lists them.
        robot.clickOn("#nav-cache");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> window.cache().rows().size() == 3);
        assertThat(window.cache().rows()).extracting(r -> r.name() + " " + r.state())
                .containsExactlyInAnyOrder("W8A8-INT finished", "FP8-dynamic finished", "NF4-DQ finished");
        screenshots(robot);
    }

    /**
     * Every main view, light and dark, as PNG; each must show real content. With
     * {@code -Dquantbench.screenshots=docs/screenshots} this is how the docs' pictures are made.
     */
    private void screenshots(FxRobot robot) throws java.io.IOException {
        Path shots = Path.of(System.getProperty("quantbench.screenshots", "target/screenshots"));
        robot.interact(() -> window.compare().show(window.compare().runs()));
        robot.interact(() -> window.main().pageProperty().set(Page.MODEL));
        TabPane modelTabs = robot.lookup("#model-tabs").queryAs(TabPane.class);
        for (boolean dark : new boolean[] {false, true}) {
            robot.interact(() -> window.main().darkProperty().set(dark));
            for (Page page : Page.values()) {
                robot.interact(() -> window.main().pageProperty().set(page));
                WaitForAsyncUtils.waitForFxEvents();
                Path file = shots.resolve(page.name().toLowerCase(Locale.ROOT) + (dark ? "-dark" : "") + ".png");
                robot.interact(() -> modelTabs.getSelectionModel().select(1));
                robot.interact(() -> GuiSupport.png(window.scene(), file));
                assertThat(distinctColours(file)).as(file.toString()).isGreaterThan(50);
                if (page == Page.MODEL) {
                    // The memory calculator on a model too large to load.
                    Path memory = shots.resolve("memory" + (dark ? "-dark" : "") + ".png");
                    robot.interact(() -> {
                        modelTabs.getSelectionModel().select(0);
                        window.memory().sourceProperty().set(window.memory().sources().stream()
                                .filter(m -> m.name().equals("Llama-3.1-70B")).findFirst().orElseThrow());
                    });
                    WaitForAsyncUtils.waitForFxEvents();
                    robot.interact(() -> GuiSupport.png(window.scene(), memory));
                    assertThat(distinctColours(memory)).as(memory.toString()).isGreaterThan(50);
                }
            }
        }
        robot.interact(() -> window.main().darkProperty().set(false));
        String icons = System.getProperty("quantbench.icons");
        if (icons != null) {
            robot.interact(() -> {
                GuiSupport.png(WorkbenchWindow.appIcon(256), Path.of(icons, "app-256.png"));
                GuiSupport.png(WorkbenchWindow.appIcon(32), Path.of(icons, "app-32.png"));
            });
        }
    }

    private static int distinctColours(Path png) throws java.io.IOException {
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
