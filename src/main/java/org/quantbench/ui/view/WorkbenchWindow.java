package org.quantbench.ui.view;

import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.image.Image;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.quantbench.ui.viewmodel.CacheViewModel;
import org.quantbench.ui.viewmodel.CompareViewModel;
import org.quantbench.ui.viewmodel.EvaluationsViewModel;
import org.quantbench.ui.viewmodel.ExportViewModel;
import org.quantbench.ui.viewmodel.HubViewModel;
import org.quantbench.ui.viewmodel.JobsViewModel;
import org.quantbench.ui.viewmodel.MainViewModel;
import org.quantbench.ui.viewmodel.MemoryViewModel;
import org.quantbench.ui.viewmodel.ModelViewModel;
import org.quantbench.ui.viewmodel.OpenedStore;
import org.quantbench.ui.viewmodel.Page;
import org.quantbench.ui.viewmodel.RunSetupViewModel;
import org.quantbench.ui.viewmodel.SchemesViewModel;
import org.quantbench.workbench.WorkbenchDirs;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.demo.DemoModel;
import org.quantbench.workbench.jobs.JobQueue;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.results.ResultStore;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Wires the view models to their views in one window; the app and the GUI tests both start here. The results database
 * and the demo live under {@code dirs}, quantized models in {@code loading}'s cache.
 */
public final class WorkbenchWindow {
    private final Stage stage;
    private final FxBackground background = new FxBackground();
    private final JobQueue queue = new JobQueue();
    private final OpenedStore results;
    private final FxDialogs dialogs;
    private final WorkbenchDirs dirs;
    private final MainViewModel main = new MainViewModel();
    private final ModelViewModel model;
    private final HubViewModel hub;
    private final MemoryViewModel memory;
    private final SchemesViewModel schemes;
    private final EvaluationsViewModel evaluations = new EvaluationsViewModel();
    private final RunSetupViewModel setup;
    private final CompareViewModel compare;
    private final JobsViewModel jobs;
    private final ExportViewModel export;
    private final CacheViewModel cache;
    private final Scene scene;

    public WorkbenchWindow(Stage stage, WorkbenchDirs dirs, ModelLoading loading, Map<String, String> env) {
        this.stage = stage;
        this.dirs = dirs;
        dialogs = new FxDialogs(() -> stage);
        results = OpenedStore.open(dirs.results());
        ResultStore store = results.store();
        PathVariables paths = new PathVariables(Path.of("").toAbsolutePath(), PathVariables.defaultShared(),
                () -> DemoModel.folder(dirs.demo()));
        model = new ModelViewModel(background, dialogs, paths);
        hub = new HubViewModel(model, background, dialogs, env);
        memory = new MemoryViewModel(model);
        schemes = new SchemesViewModel(dialogs);
        setup = new RunSetupViewModel(model, schemes, evaluations, dialogs, paths);
        compare = new CompareViewModel(store, background, dialogs);
        jobs = new JobsViewModel(queue, background, dialogs, setup, compare, store, loading, paths);
        export = new ExportViewModel(compare.tableProperty(), dialogs);
        cache = new CacheViewModel(loading.cacheRoot(), background, dialogs);

        Map<Page, Parent> pages = new EnumMap<>(Page.class);
        pages.put(Page.MODEL, new ModelView(model, hub, memory).root());
        pages.put(Page.SCHEMES, new SchemesView(schemes).root());
        pages.put(Page.EVALUATIONS, new EvaluationsView(evaluations).root());
        pages.put(Page.JOBS, new JobsView(jobs).root());
        pages.put(Page.COMPARE, new CompareView(compare, main.darkProperty()).root());
        pages.put(Page.EXPORT, new ExportView(export).root());
        pages.put(Page.CACHE, new CacheView(cache).root());
        MainWindow window = new MainWindow(main, pages);
        window.addTools(tools());
        model.statusProperty().addListener((o, was, now) -> main.statusProperty().set(now));
        // Jobs add and finish entries at any time: the page reads the folder whenever it is shown.
        main.pageProperty().addListener((o, was, now) -> {
            if (now == Page.CACHE) {
                cache.refresh();
            }
        });
        schemes.selectedCountProperty().addListener((o, was, now) ->
                main.statusProperty().set(now + " schemes ticked; the base model is always measured."));

        scene = new Scene(window.root(), 1280, 820);
        Theme.apply(scene, main.darkProperty().get());
        main.darkProperty().addListener((o, was, dark) -> Theme.apply(scene, dark));
        window.installShortcuts(scene, main);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN), this::run);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN), this::saveConfig);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::openConfig);
        stage.setScene(scene);
        stage.setTitle("QuantBench");
        stage.getIcons().setAll(appIcon(16), appIcon(32), appIcon(64), appIcon(256));
        stage.setOnCloseRequest(e -> {
            if (!jobs.confirmClose()) {
                e.consume();
            }
        });
        stage.setOnHidden(e -> close());
        compare.refresh();
        results.problem().ifPresent(p -> main.statusProperty().set("Results history disabled: the database cannot be opened."));
    }

    /** The user's folders: {@code $QUANTBENCH_HOME} (or ~/.quantbench) and the default quantized-model cache. */
    public static WorkbenchWindow withDefaults(Stage stage) {
        return new WorkbenchWindow(stage, WorkbenchDirs.defaults(), ModelLoading.withDefaultCache(), System.getenv());
    }

    private List<Node> tools() {
        Button demo = new Button("Demo");
        demo.setId("tool-demo");
        demo.setTooltip(Forms.tip("Set up the built-in demo: stories260K with four schemes (runs in under a minute)"));
        demo.setOnAction(e -> setup.useDemo(DemoModel.folder(dirs.demo())));
        Button open = new Button("Open config", Icon.OPEN.node(16));
        open.setId("tool-open-config");
        open.setTooltip(Forms.tip("Load a run config JSON, e.g. from sample-configs/ (Ctrl+O)"));
        open.setOnAction(e -> openConfig());
        Button save = new Button("Save config", Icon.SAVE.node(16));
        save.setId("tool-save-config");
        save.setTooltip(Forms.tip("Save the whole setup as a run config JSON that `quantbench run` also takes (Ctrl+S)"));
        save.setOnAction(e -> saveConfig());
        ComboBox<String> profile = new ComboBox<>(FXCollections.observableArrayList("", "quick", "full", "ci"));
        profile.setEditable(true);
        profile.setPromptText("profile");
        profile.setPrefWidth(110);
        profile.valueProperty().bindBidirectional(setup.profileProperty());
        profile.setTooltip(Forms.tip("A profile of the loaded config (quick, full, ci) applied to the run; blank runs it as set up"));
        Button run = new Button("Run", Icon.RUN.node(16));
        run.setId("tool-run");
        run.getStyleClass().add("primary");
        run.setTooltip(Forms.tip("Queue the base and the ticked schemes as a background job (Ctrl+R)"));
        run.setOnAction(e -> run());
        Label name = new Label("Run name");
        var field = Forms.text(setup.nameProperty(), "run-name");
        field.setPrefColumnCount(14);
        return List.of(demo, open, save, new Separator(), name, field, profile, run);
    }

    private void run() {
        if (jobs.startRun().isPresent()) {
            main.pageProperty().set(Page.JOBS);
        }
    }

    private void openConfig() {
        FileChooser chooser = configChooser("Open a run config");
        File f = chooser.showOpenDialog(stage);
        if (f != null && setup.load(f.toPath()).isPresent()) {
            model.open();
        }
    }

    private void saveConfig() {
        FileChooser chooser = configChooser("Save the run config");
        chooser.setInitialFileName(setup.nameProperty().get().replaceAll("[^A-Za-z0-9._-]+", "-") + ".json");
        File f = chooser.showSaveDialog(stage);
        if (f != null && setup.save(f.toPath())) {
            main.statusProperty().set("Saved " + f);
        }
    }

    private static FileChooser configChooser(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Run config (*.json)", "*.json"));
        File samples = new File("sample-configs");
        if (samples.isDirectory()) {
            chooser.setInitialDirectory(samples.getAbsoluteFile());
        }
        return chooser;
    }

    private void close() {
        try {
            queue.shutdown(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        background.close();
        results.close();
    }

    /** Shows the window, then (once it is up) why the results history is disabled, if it is. */
    public void show() {
        stage.show();
        results.problem().ifPresent(p -> javafx.application.Platform.runLater(
                () -> dialogs.error("Results history disabled", p)));
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

    public HubViewModel hub() { return hub; }

    public MemoryViewModel memory() { return memory; }

    public SchemesViewModel schemes() { return schemes; }

    public EvaluationsViewModel evaluations() { return evaluations; }

    public RunSetupViewModel setup() { return setup; }

    public JobsViewModel jobs() { return jobs; }

    public CompareViewModel compare() { return compare; }

    public ExportViewModel export() { return export; }

    public CacheViewModel cache() { return cache; }
}
