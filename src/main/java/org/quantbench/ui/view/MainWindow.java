package org.quantbench.ui.view;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.quantbench.ui.viewmodel.MainViewModel;
import org.quantbench.ui.viewmodel.Page;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The window's frame: a navigation rail (one button per page, Ctrl+1..Ctrl+7), a tool bar, the current page and a
 * status line. Pages are built once and swapped, so their state survives navigation.
 */
final class MainWindow {
    private static final Map<Page, Icon> ICONS = Map.of(Page.MODEL, Icon.MODEL, Page.SCHEMES, Icon.SCHEMES,
            Page.EVALUATIONS, Icon.EVALUATIONS, Page.JOBS, Icon.JOBS, Page.COMPARE, Icon.COMPARE, Page.EXPORT, Icon.EXPORT,
            Page.CACHE, Icon.CACHE);

    private final BorderPane root = new BorderPane();
    private final ToolBar toolBar = new ToolBar();
    private final Map<Page, ToggleButton> navButtons = new EnumMap<>(Page.class);

    MainWindow(MainViewModel vm, Map<Page, Parent> pages) {
        VBox nav = new VBox();
        nav.getStyleClass().add("nav");
        Label name = new Label("QuantBench", Icon.APP.node(22));
        name.getStyleClass().add("app-name");
        nav.getChildren().add(name);
        ToggleGroup group = new ToggleGroup();
        StackPane content = new StackPane();
        int key = 1;
        for (Page page : Page.values()) {
            Parent view = pages.get(page);
            if (view == null) {
                continue;
            }
            ToggleButton button = new ToggleButton(page.title(), ICONS.get(page).node(18));
            button.setId("nav-" + page.name().toLowerCase(java.util.Locale.ROOT));
            button.getStyleClass().add("nav-button");
            button.setToggleGroup(group);
            button.setMaxWidth(Double.MAX_VALUE);
            button.setTooltip(Forms.tip(page.summary() + " (Ctrl+" + key + ")"));
            button.setOnAction(e -> vm.pageProperty().set(page));
            navButtons.put(page, button);
            nav.getChildren().add(button);
            key++;
        }
        Runnable show = () -> {
            Page page = vm.pageProperty().get();
            content.getChildren().setAll(pages.get(page));
            // A toggle must not be switched off by a second click: the current page stays selected.
            navButtons.get(page).setSelected(true);
        };
        vm.pageProperty().addListener(o -> show.run());
        show.run();

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button theme = new Button(null, Icon.THEME.node(16));
        theme.setId("toggle-theme");
        theme.setTooltip(Forms.tip("Switch between the light and the dark theme (Ctrl+T)"));
        theme.setOnAction(e -> vm.toggleTheme());
        toolBar.getItems().addAll(spacer, theme);

        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(vm.statusProperty());
        HBox statusBar = new HBox(status);
        statusBar.getStyleClass().add("status-bar");

        root.setLeft(nav);
        root.setTop(toolBar);
        root.setCenter(content);
        root.setBottom(statusBar);
    }

    /** Puts actions at the left end of the tool bar. */
    void addTools(List<Node> tools) {
        toolBar.getItems().addAll(0, tools);
    }

    /** Ctrl+1.. for the pages and Ctrl+T for the theme. */
    void installShortcuts(Scene scene, MainViewModel vm) {
        int key = 1;
        for (Page page : navButtons.keySet()) {
            KeyCode code = KeyCode.valueOf("DIGIT" + key++);
            scene.getAccelerators().put(new KeyCodeCombination(code, KeyCombination.SHORTCUT_DOWN), () -> vm.pageProperty().set(page));
        }
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN), vm::toggleTheme);
    }

    Pane root() { return root; }
}
