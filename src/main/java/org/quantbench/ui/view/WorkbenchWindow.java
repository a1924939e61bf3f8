package org.quantbench.ui.view;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.Image;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.stage.Stage;
import org.quantbench.ui.viewmodel.EvaluationsViewModel;
import org.quantbench.ui.viewmodel.MainViewModel;
import org.quantbench.ui.viewmodel.ModelViewModel;
import org.quantbench.ui.viewmodel.Page;
import org.quantbench.ui.viewmodel.SchemesViewModel;

import java.util.EnumMap;
import java.util.Map;

/** Wires the view models to their views in one window; the app and the GUI tests both start here. */
public final class WorkbenchWindow {
    private final Stage stage;
    private final FxBackground background = new FxBackground();
    private final MainViewModel main = new MainViewModel();
    private final ModelViewModel model;
    private final SchemesViewModel schemes;
    private final EvaluationsViewModel evaluations = new EvaluationsViewModel();
    private final Scene scene;

    public WorkbenchWindow(Stage stage) {
        this.stage = stage;
        FxDialogs dialogs = new FxDialogs(() -> stage);
        model = new ModelViewModel(background, dialogs);
        schemes = new SchemesViewModel(dialogs);

        Map<Page, Parent> pages = new EnumMap<>(Page.class);
        pages.put(Page.MODEL, new ModelView(model).root());
        pages.put(Page.SCHEMES, new SchemesView(schemes).root());
        pages.put(Page.EVALUATIONS, new EvaluationsView(evaluations).root());
        MainWindow window = new MainWindow(main, pages);
        model.statusProperty().addListener((o, was, now) -> main.statusProperty().set(now));

        scene = new Scene(window.root(), 1280, 820);
        Theme.apply(scene, main.darkProperty().get());
        main.darkProperty().addListener((o, was, dark) -> Theme.apply(scene, dark));
        window.installShortcuts(scene, main);
        stage.setScene(scene);
        stage.setTitle("QuantBench");
        stage.getIcons().setAll(appIcon(16), appIcon(32), appIcon(64), appIcon(256));
        stage.setOnHidden(e -> background.close());
    }

    public void show() {
        stage.show();
    }

    /** The app icon drawn from {@link Icon#APP} on the accent square, at {@code size} pixels. */
    public static Image appIcon(double size) {
        Rectangle square = new Rectangle(24, 24, Color.web("#2f6fde"));
        square.setArcWidth(8);
        square.setArcHeight(8);
        javafx.scene.shape.SVGPath glyph = new javafx.scene.shape.SVGPath();
        glyph.setContent(Icon.APP.path());
        glyph.setFill(Color.WHITE);
        javafx.scene.Group g = new javafx.scene.Group(square, glyph);
        g.setScaleX(size / 24);
        g.setScaleY(size / 24);
        SnapshotParameters p = new SnapshotParameters();
        p.setFill(Color.TRANSPARENT);
        return new javafx.scene.Group(g).snapshot(p, null);
    }

    public Stage stage() { return stage; }

    public Scene scene() { return scene; }

    public MainViewModel main() { return main; }

    public ModelViewModel model() { return model; }

    public SchemesViewModel schemes() { return schemes; }

    public EvaluationsViewModel evaluations() { return evaluations; }
}
