package org.quantbench.ui.view;

import javafx.beans.binding.Bindings;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.quantbench.ui.viewmodel.CacheRow;
import org.quantbench.ui.viewmodel.CacheViewModel;
import org.quantbench.ui.viewmodel.Page;

import java.util.List;

/** The Cache page: the quantized models on disk with their state and size; refresh, delete the selected, delete the unfinished. */
final class CacheView {
    private final VBox root;

    CacheView(CacheViewModel vm) {
        root = Forms.page(Page.CACHE.title(), Page.CACHE.summary());
        TableView<CacheRow> table = new TableView<>(vm.rows());
        table.setId("cache-table");
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.getColumns().add(Forms.textColumn("Entry", 330, CacheRow::name));
        table.getColumns().add(Forms.textColumn("Model", 140, CacheRow::model));
        table.getColumns().add(Forms.textColumn("Size", 90, CacheRow::size));
        table.getColumns().add(Forms.textColumn("Modified", 130, CacheRow::modified));
        table.getColumns().add(Forms.textColumn("State", 300, CacheRow::state));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No quantized models yet: a run that quantizes puts them here."));

        Button refresh = new Button("Refresh", Icon.RETRY.node(14));
        refresh.setId("cache-refresh");
        refresh.setTooltip(Forms.tip("Read the cache folder again"));
        refresh.setOnAction(e -> vm.refresh());
        Button delete = new Button("Delete", Icon.CANCEL.node(14));
        delete.setId("cache-delete");
        delete.setTooltip(Forms.tip("Delete the selected folders; a later run that needs one quantizes the model again"));
        delete.setOnAction(e -> vm.delete(List.copyOf(table.getSelectionModel().getSelectedItems())));
        delete.disableProperty().bind(Bindings.isEmpty(table.getSelectionModel().getSelectedItems()).or(vm.busyProperty()));
        Button unfinished = new Button("Delete unfinished");
        unfinished.setId("cache-delete-unfinished");
        unfinished.setTooltip(Forms.tip("Delete every unfinished quantization no running job holds (saved calibration"
                + " layers included)"));
        unfinished.setOnAction(e -> vm.deleteUnfinished());
        unfinished.disableProperty().bind(vm.deletableUnfinishedProperty().not().or(vm.busyProperty()));
        Label summary = new Label();
        summary.setId("cache-summary");
        summary.textProperty().bind(vm.summaryProperty());
        summary.setWrapText(true);

        VBox card = Forms.card("Quantized models", table, new HBox(8, refresh, delete, unfinished), summary);
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox.setVgrow(card, Priority.ALWAYS);
        root.getChildren().add(card);
    }

    VBox root() { return root; }
}
