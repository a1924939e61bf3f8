package org.quantbench.ui.view;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.quantbench.quant.IntWeightScheme;
import org.quantbench.tensor.DType;
import org.quantbench.ui.viewmodel.Page;
import org.quantbench.ui.viewmodel.SchemeEditorViewModel;
import org.quantbench.ui.viewmodel.SchemeFamily;
import org.quantbench.ui.viewmodel.SchemeRow;
import org.quantbench.ui.viewmodel.SchemesViewModel;

/** The Schemes page: the checklist on the left, the parameter editor and the bits sweep on the right. */
final class SchemesView {
    private final VBox root;

    SchemesView(SchemesViewModel vm) {
        root = Forms.page(Page.SCHEMES.title(), Page.SCHEMES.summary());

        TableView<SchemeRow> table = new TableView<>(vm.rows());
        table.setId("scheme-table");
        TableColumn<SchemeRow, Boolean> tick = new TableColumn<>("Run");
        tick.setCellValueFactory(c -> c.getValue().selectedProperty());
        tick.setCellFactory(c -> new TickCell());
        tick.setPrefWidth(50);
        tick.setSortable(false);
        TableColumn<SchemeRow, String> name = new TableColumn<>("Scheme");
        name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().name()));
        name.setPrefWidth(190);
        TableColumn<SchemeRow, String> family = new TableColumn<>("Family");
        family.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().family()));
        family.setPrefWidth(200);
        TableColumn<SchemeRow, String> note = new TableColumn<>("Status");
        note.setCellValueFactory(c -> new ReadOnlyStringWrapper(
                c.getValue().unavailableReason().map(r -> "not available: " + r).orElse("ready")));
        table.getColumns().add(tick);
        table.getColumns().add(name);
        table.getColumns().add(family);
        table.getColumns().add(note);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(SchemeRow row, boolean empty) {
                super.updateItem(row, empty);
                getStyleClass().remove("unavailable");
                setTooltip(empty || row == null ? null : Forms.tip(row.tooltip()));
                if (!empty && row != null && !row.available()) {
                    getStyleClass().add("unavailable");
                }
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                vm.editor().load(now.scheme());
            }
        });
        Label count = new Label();
        count.getStyleClass().add("muted");
        count.textProperty().bind(vm.selectedCountProperty().asString("%d schemes ticked (the base model is always measured)"));
        javafx.scene.control.CheckBox lmHead = new javafx.scene.control.CheckBox("quantize lm_head too");
        lmHead.setId("quantize-lm-head");
        lmHead.setMnemonicParsing(false);
        lmHead.selectedProperty().bindBidirectional(vm.quantizeLmHeadProperty());
        lmHead.setTooltip(Forms.tip("Quantize the output layer like the other linears (rows are named <scheme>+lm_head); by default it keeps its stored type"));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        VBox list = Forms.card("Checklist", table, new HBox(count, gap, lmHead));
        VBox.setVgrow(table, Priority.ALWAYS);
        HBox.setHgrow(list, Priority.ALWAYS);

        VBox side = new VBox(12, editor(vm), sweep(vm));
        side.setPrefWidth(380);
        side.setMinWidth(340);
        HBox body = new HBox(14, list, side);
        VBox.setVgrow(body, Priority.ALWAYS);
        root.getChildren().add(body);
    }

    VBox root() { return root; }

    private static VBox editor(SchemesViewModel vm) {
        SchemeEditorViewModel ed = vm.editor();
        ComboBox<SchemeFamily> family = new ComboBox<>(FXCollections.observableArrayList(SchemeFamily.values()));
        family.valueProperty().bindBidirectional(ed.familyProperty());
        family.setId("editor-family");

        GridPane intGrid = Forms.grid();
        Forms.row(intGrid, "Bits", Forms.text(ed.bitsProperty(), "editor-bits"), "Weight bits, 2 to 8");
        ComboBox<IntWeightScheme.Method> method = new ComboBox<>(FXCollections.observableArrayList(IntWeightScheme.Method.values()));
        method.valueProperty().bindBidirectional(ed.methodProperty());
        Forms.row(intGrid, "Method", method, "RTN rounds each weight; GPTQ, AWQ and AutoRound use calibration data");
        Forms.row(intGrid, "Group size", Forms.text(ed.groupSizeProperty(), "editor-group"),
                "Input columns sharing one scale (128 is common); 0 = one scale per output channel");
        CheckBox sym = new CheckBox("symmetric (no zero points)");
        sym.selectedProperty().bindBidirectional(ed.symmetricProperty());
        Forms.row(intGrid, "Range", sym, "Symmetric grids store only a scale; asymmetric ones add a zero point per group");
        CheckBox ar = new CheckBox("auto-round convention");
        ar.selectedProperty().bindBidirectional(ed.autoRoundConventionProperty());
        ar.disableProperty().bind(ed.symmetricProperty().not());
        Forms.row(intGrid, "Convention", ar, "Symmetric codes as auto-round defines them instead of llm-compressor");

        GridPane w8a8 = Forms.grid();
        Forms.row(w8a8, "SmoothQuant", Forms.text(ed.smoothQuantAlphaProperty(), "editor-sq"),
                "Migration strength in [0, 1); 0 turns SmoothQuant off (0.5 is the usual value)");
        GridPane fp8 = Forms.grid();
        CheckBox dyn = new CheckBox("FP8 activations per token");
        dyn.selectedProperty().bindBidirectional(ed.fp8DynamicProperty());
        Forms.row(fp8, "Activations", dyn, "FP8-dynamic casts activations to FP8 per token; FP8-weight keeps them float");
        CheckBox perChannel = new CheckBox("one scale per output channel");
        perChannel.selectedProperty().bindBidirectional(ed.fp8PerChannelProperty());
        Forms.row(fp8, "Scales", perChannel, "Per channel, or one scale for the whole tensor");
        GridPane nf4 = Forms.grid();
        CheckBox dq = new CheckBox("double quantization");
        dq.selectedProperty().bindBidirectional(ed.nf4DoubleQuantProperty());
        Forms.row(nf4, "Absmax", dq, "Quantize the per-block absmax values to 8 bits too (NF4-DQ)");
        GridPane ggml = Forms.grid();
        ComboBox<DType> type = new ComboBox<>(FXCollections.observableArrayList(SchemeEditorViewModel.GGML_TYPES));
        type.valueProperty().bindBidirectional(ed.ggmlTypeProperty());
        Forms.row(ggml, "Block type", type, "llama.cpp's block formats with its exact rounding");
        GridPane aqlm = Forms.grid();
        ComboBox<String> shape = new ComboBox<>(FXCollections.observableArrayList(SchemeEditorViewModel.AQLM_SHAPES));
        shape.valueProperty().bindBidirectional(ed.aqlmShapeProperty());
        Forms.row(aqlm, "Codebooks", shape, "2x8: two 256-entry codebooks; 1x16: one 65,536-entry codebook");

        VBox params = new VBox();
        Runnable showFamily = () -> params.getChildren().setAll(switch (ed.familyProperty().get()) {
            case INT_WEIGHT -> intGrid;
            case W8A8_INT -> w8a8;
            case FP8 -> fp8;
            case NF4 -> nf4;
            case GGML -> ggml;
            case AQLM -> aqlm;
        });
        ed.familyProperty().addListener(o -> showFamily.run());
        showFamily.run();

        Label message = new Label();
        message.setId("editor-message");
        message.setWrapText(true);
        message.textProperty().bind(ed.messageProperty());
        ed.errorProperty().addListener((o, was, now) -> {
            message.getStyleClass().remove("error-text");
            if (!now.isEmpty()) {
                message.getStyleClass().add("error-text");
            }
        });
        Button add = new Button("Add and tick", Icon.ADD.node(14));
        add.setId("editor-add");
        add.disableProperty().bind(ed.schemeProperty().isNull());
        add.setOnAction(e -> vm.addFromEditor());
        return Forms.card("Scheme editor", family, params, message, add);
    }

    private static VBox sweep(SchemesViewModel vm) {
        GridPane grid = Forms.grid();
        TextField from = Forms.text(vm.sweepFromProperty(), "sweep-from");
        TextField to = Forms.text(vm.sweepToProperty(), "sweep-to");
        from.setPrefColumnCount(3);
        to.setPrefColumnCount(3);
        Forms.row(grid, "Bits", new HBox(6, from, new Label("to"), to), "Every bit width in this range, inclusive");
        ComboBox<IntWeightScheme.Method> method = new ComboBox<>(FXCollections.observableArrayList(IntWeightScheme.Method.values()));
        method.valueProperty().bindBidirectional(vm.sweepMethodProperty());
        Forms.row(grid, "Method", method, "How the codes are chosen at every width");
        Forms.row(grid, "Group size", Forms.text(vm.sweepGroupProperty(), "sweep-group"), "Input columns per scale");
        Button add = new Button("Add sweep", Icon.ADD.node(14));
        add.setId("sweep-add");
        add.setOnAction(e -> vm.addSweep());
        return Forms.card("Bits sweep", grid, add);
    }

    /** The tick box of a row: disabled, with the reason as tooltip, when the scheme cannot run yet. */
    private static final class TickCell extends TableCell<SchemeRow, Boolean> {
        private final CheckBox box = new CheckBox();
        private SchemeRow bound;

        @Override
        protected void updateItem(Boolean item, boolean empty) {
            super.updateItem(item, empty);
            if (bound != null) {
                box.selectedProperty().unbindBidirectional(bound.selectedProperty());
                bound = null;
            }
            SchemeRow row = empty || getTableRow() == null ? null : getTableRow().getItem();
            if (row == null) {
                setGraphic(null);
                return;
            }
            bound = row;
            box.selectedProperty().bindBidirectional(row.selectedProperty());
            box.setDisable(!row.available());
            box.setId("tick-" + row.name());
            Tooltip tip = Forms.tip(row.tooltip());
            box.setTooltip(tip);
            setGraphic(box);
        }
    }
}
