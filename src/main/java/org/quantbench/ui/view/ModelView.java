package org.quantbench.ui.view;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import org.quantbench.ui.viewmodel.Formats;
import org.quantbench.ui.viewmodel.HubViewModel;
import org.quantbench.workbench.hub.LocalModel;
import org.quantbench.ui.viewmodel.MemoryViewModel;
import org.quantbench.ui.viewmodel.ModelSummary;
import org.quantbench.ui.viewmodel.ModelViewModel;
import org.quantbench.ui.viewmodel.Page;

/** The Model page: choose and open a checkpoint, see its facts and the memory it takes under each format. */
final class ModelView {
    private final VBox root;

    ModelView(ModelViewModel vm, HubViewModel hub, MemoryViewModel memory) {
        root = Forms.page(Page.MODEL.title(), Page.MODEL.summary());

        GridPane form = Forms.grid();
        FileChooser.ExtensionFilter any = new FileChooser.ExtensionFilter("Checkpoints (*.gguf, *.bin)", "*.gguf", "*.bin");
        HBox modelField = Forms.pathField(vm.modelPathProperty(), "model-path", "Open a GGUF file or llama2.c checkpoint", false, any,
                new FileChooser.ExtensionFilter("All files", "*"));
        Button folder = new Button("Folder…");
        folder.setTooltip(Forms.tip("Choose a Hugging Face model folder (config.json + safetensors)"));
        folder.setOnAction(e -> {
            var chooser = new javafx.stage.DirectoryChooser();
            chooser.setTitle("Open a Hugging Face model folder");
            var dir = chooser.showDialog(root.getScene().getWindow());
            if (dir != null) {
                vm.modelPathProperty().set(dir.toString());
            }
        });
        modelField.getChildren().add(folder);
        Forms.row(form, "Model", modelField, "A HF folder, a .gguf file or a llama2.c .bin");
        Forms.row(form, "Tokenizer", Forms.pathField(vm.tokenizerPathProperty(), "tokenizer-path", "Choose a tokenizer", false),
                "Optional: a llama2.c tokenizer.bin (found by itself when it sits beside the model), a tokenizer.json or a .gguf");
        Forms.row(form, "Label", Forms.text(vm.labelProperty(), "model-label"),
                "How the base row is called in tables and charts, e.g. \"base = Q4_1 dequantized\"");

        Button open = new Button("Open model", Icon.OPEN.node(16));
        open.setId("open-model");
        open.getStyleClass().add("primary");
        open.setDefaultButton(true);
        open.disableProperty().bind(vm.busyProperty());
        open.setOnAction(e -> vm.open());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(20, 20);
        busy.visibleProperty().bind(vm.busyProperty());
        Label status = new Label();
        status.getStyleClass().add("muted");
        status.textProperty().bind(vm.statusProperty());
        HBox actions = new HBox(10, open, busy, status);
        actions.setAlignment(javafx.geometry.Pos.CENTER_LEFT);

        TableView<ModelSummary.Fact> facts = new TableView<>(vm.facts());
        facts.setId("model-facts");
        TableColumn<ModelSummary.Fact, String> label = new TableColumn<>("Fact");
        label.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().label()));
        label.setPrefWidth(160);
        TableColumn<ModelSummary.Fact, String> value = new TableColumn<>("Value");
        value.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().value()));
        value.prefWidthProperty().bind(facts.widthProperty().subtract(170));
        facts.getColumns().add(label);
        facts.getColumns().add(value);
        facts.setPlaceholder(new Label("Open a model to see its architecture, parameters, types and size."));
        facts.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        VBox factsCard = new VBox(8, facts);
        factsCard.getStyleClass().add("card");
        VBox.setVgrow(facts, Priority.ALWAYS);
        factsCard.getStyleClass().add("tab-card");

        Tab factsTab = new Tab("Model facts", factsCard);
        factsTab.setId("facts-tab");
        Tab memoryTab = new Tab("Memory calculator", MemoryPane.build(memory));
        memoryTab.setId("memory-tab");
        TabPane tabs = new TabPane(memoryTab, factsTab);
        tabs.setId("model-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        // A model just opened: show its facts; the calculator is one click away and already follows it.
        vm.summaryProperty().addListener((o, was, now) -> {
            if (now != null) {
                tabs.getSelectionModel().select(factsTab);
            }
        });
        VBox.setVgrow(tabs, Priority.ALWAYS);

        VBox left = new VBox(14, Forms.card("Checkpoint", form, actions), tabs);
        HBox.setHgrow(left, Priority.ALWAYS);
        VBox right = new VBox(14, cache(hub), download(hub));
        right.setPrefWidth(420);
        right.setMinWidth(360);
        HBox body = new HBox(14, left, right);
        VBox.setVgrow(body, Priority.ALWAYS);
        root.getChildren().add(body);
    }

    private static VBox cache(HubViewModel hub) {
        ListView<LocalModel> list = new ListView<>(hub.localModels());
        list.setId("cache-list");
        list.setPrefHeight(170);
        list.setPlaceholder(new Label("Press Scan to list the models in the Hugging Face cache."));
        list.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(LocalModel m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? null : m.label() + "  (" + m.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + ", " + Formats.bytes(m.sizeBytes()) + ")" + m.problem().map(p -> ": " + p).orElse(""));
                setTooltip(empty || m == null ? null : Forms.tip(m.path().toString()));
            }
        });
        Button scan = new Button("Scan");
        scan.setOnAction(e -> hub.scanCache());
        Button open = new Button("Open selected", Icon.OPEN.node(14));
        open.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        open.setOnAction(e -> hub.open(list.getSelectionModel().getSelectedItem()));
        list.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && list.getSelectionModel().getSelectedItem() != null) {
                hub.open(list.getSelectionModel().getSelectedItem());
            }
        });
        return Forms.card("Hugging Face cache", list, new HBox(8, scan, open));
    }

    private static VBox download(HubViewModel hub) {
        GridPane grid = Forms.grid();
        TextField repo = Forms.text(hub.repoProperty(), "hub-repo");
        repo.setPromptText("owner/name, e.g. HuggingFaceTB/SmolLM2-135M-Instruct");
        Forms.row(grid, "Repository", repo, "The model's id on the Hub");
        Forms.row(grid, "Revision", Forms.text(hub.revisionProperty(), "hub-revision"), "A branch, tag or commit (main)");
        TextField files = Forms.text(hub.patternProperty(), "hub-files");
        files.setPromptText("all files, or e.g. *Q4_1.gguf");
        Forms.row(grid, "Files", files, "A glob over the repository's file names; blank downloads everything");
        Forms.row(grid, "Endpoint", Forms.text(hub.endpointProperty(), "hub-endpoint"), "The Hub or a mirror (HF_ENDPOINT)");
        PasswordField token = new PasswordField();
        token.textProperty().bindBidirectional(hub.tokenProperty());
        Forms.row(grid, "Token", token, "For gated or private repositories (HF_TOKEN); never stored by QuantBench");
        CheckBox cache = new CheckBox("into the Hugging Face cache");
        cache.selectedProperty().bindBidirectional(hub.intoCacheProperty());
        Forms.row(grid, "Target", cache, "Shared with Python tools; untick to download into a folder");
        HBox folder = Forms.pathField(hub.folderProperty(), "hub-folder", "Download into", true);
        folder.disableProperty().bind(hub.intoCacheProperty());
        Forms.row(grid, "Folder", folder, "Used when the cache is unticked");
        Button go = new Button("Download", Icon.DOWNLOAD.node(14));
        go.setId("hub-download");
        go.disableProperty().bind(hub.downloadingProperty());
        go.setOnAction(e -> hub.download());
        Button stop = new Button("Cancel", Icon.CANCEL.node(14));
        stop.disableProperty().bind(hub.downloadingProperty().not());
        stop.setOnAction(e -> hub.cancel());
        ProgressBar bar = new ProgressBar();
        bar.progressProperty().bind(hub.progressProperty());
        bar.visibleProperty().bind(hub.downloadingProperty());
        bar.setMaxWidth(Double.MAX_VALUE);
        Label status = new Label();
        status.getStyleClass().add("muted");
        status.setWrapText(true);
        status.textProperty().bind(hub.statusProperty());
        return Forms.card("Download from the Hub", grid, new HBox(8, go, stop), bar, status);
    }

    VBox root() { return root; }
}
