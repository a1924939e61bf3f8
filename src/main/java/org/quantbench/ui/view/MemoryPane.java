package org.quantbench.ui.view;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.quantbench.ui.viewmodel.MemoryViewModel;
import org.quantbench.ui.viewmodel.MemoryViewModel.MemoryRow;

import java.util.function.Function;

/** The memory calculator on the Model page: model or preset, context, batch, KV bits, and the table per format. */
final class MemoryPane {
    private MemoryPane() {}

    static VBox build(MemoryViewModel vm) {
        ComboBox<MemoryViewModel.Source> model = new ComboBox<>(vm.sources());
        model.setId("memory-model");
        model.valueProperty().bindBidirectional(vm.sourceProperty());
        model.setVisibleRowCount(14);
        model.setTooltip(Forms.tip("The opened model, or a well-known model's shape: nothing is loaded, so 70B and 405B work too"));
        var context = Forms.number(vm.context(), "memory-context");
        context.setTooltip(Forms.tip("Tokens per sequence held in the KV cache"));
        var batch = Forms.number(vm.batch(), "memory-batch");
        batch.setPrefColumnCount(4);
        batch.setTooltip(Forms.tip("Sequences held at once"));
        ChoiceBox<Integer> kv = new ChoiceBox<>(FXCollections.observableArrayList(MemoryViewModel.KV_BITS));
        kv.setId("memory-kv-bits");
        kv.setValue(vm.kvBitsProperty().get());
        kv.valueProperty().addListener((o, was, now) -> vm.kvBitsProperty().set(now));
        vm.kvBitsProperty().addListener((o, was, now) -> kv.setValue(now.intValue()));
        kv.setTooltip(Forms.tip("Bits per KV-cache value: 16 for an fp16/bf16 cache, 8 for an FP8 cache"));
        CheckBox lmHead = new CheckBox("quantize lm_head");
        lmHead.selectedProperty().bindBidirectional(vm.quantizeLmHeadProperty());
        lmHead.setMinWidth(Region.USE_PREF_SIZE);
        lmHead.setMnemonicParsing(false);
        lmHead.setTooltip(Forms.tip("Count an untied lm_head like the other linears (it stays 16-bit by default)"));
        HBox source = new HBox(8, label("Model"), model, lmHead);
        source.setAlignment(Pos.CENTER_LEFT);
        HBox cache = new HBox(8, label("Context"), context, label("Batch"), batch, label("KV bits"), kv);
        cache.setAlignment(Pos.CENTER_LEFT);

        TableView<MemoryRow> table = new TableView<>(vm.rows());
        table.setId("memory-table");
        table.getColumns().add(column("Format", MemoryRow::format, false));
        table.getColumns().add(column("bits/w", MemoryRow::bitsPerWeight, true));
        table.getColumns().add(column("Weights", MemoryRow::weights, true));
        table.getColumns().add(column("KV cache", MemoryRow::kvCache, true));
        table.getColumns().add(column("Total", MemoryRow::total, true));
        TableColumn<MemoryRow, Integer> gpus = new TableColumn<>("GPUs needed");
        for (int i = 0; i < MemoryViewModel.gpuNames().size(); i++) {
            int index = i;
            TableColumn<MemoryRow, Integer> size = new TableColumn<>(MemoryViewModel.gpuNames().get(i));
            size.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().gpus(index)));
            size.setStyle("-fx-alignment: CENTER-RIGHT;");
            size.setMinWidth(56);
            gpus.getColumns().add(size);
        }
        table.getColumns().getFirst().setPrefWidth(170);
        table.getColumns().forEach(c -> c.setMinWidth(c == table.getColumns().getFirst() ? 150 : 64));
        table.getColumns().add(gpus);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        // Small preferred width: the page's columns decide how wide it gets, the table does not push them.
        table.setPrefWidth(400);
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(MemoryRow row, boolean empty) {
                super.updateItem(row, empty);
                setTooltip(empty || row == null ? null : Forms.tip(row.format() + ": " + row.layout()));
            }
        });
        Label summary = new Label();
        summary.getStyleClass().add("muted");
        summary.setWrapText(true);
        summary.setMinHeight(Region.USE_PREF_SIZE);
        summary.textProperty().bind(vm.summaryProperty());
        table.setPlaceholder(new Label("Fix the fields above to see the estimates."));
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox pane = new VBox(8, source, cache, table, summary);
        pane.getStyleClass().addAll("card", "tab-card");
        return pane;
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static TableColumn<MemoryRow, String> column(String title, Function<MemoryRow, String> value, boolean right) {
        TableColumn<MemoryRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        if (right) {
            c.setCellFactory(col -> {
                TableCell<MemoryRow, String> cell = new TableCell<>() {
                    @Override
                    protected void updateItem(String item, boolean empty) {
                        super.updateItem(item, empty);
                        setText(empty ? null : item);
                    }
                };
                cell.setAlignment(Pos.CENTER_RIGHT);
                return cell;
            });
        }
        return c;
    }
}
