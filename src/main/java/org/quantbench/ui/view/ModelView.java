package org.quantbench.ui.view;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.quantbench.ui.viewmodel.ModelSummary;
import org.quantbench.ui.viewmodel.ModelViewModel;
import org.quantbench.ui.viewmodel.Page;

/** The Model page: choose and open a checkpoint, see its facts. */
final class ModelView {
    private final VBox root;

    ModelView(ModelViewModel vm) {
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
        VBox factsCard = Forms.card("Model facts", facts);
        VBox.setVgrow(facts, Priority.ALWAYS);
        VBox.setVgrow(factsCard, Priority.ALWAYS);

        root.getChildren().addAll(Forms.card("Checkpoint", form, actions), factsCard);
    }

    VBox root() { return root; }
}
