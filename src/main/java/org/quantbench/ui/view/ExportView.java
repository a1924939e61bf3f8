package org.quantbench.ui.view;

import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.quantbench.ui.viewmodel.ExportViewModel;
import org.quantbench.ui.viewmodel.Page;

/** The Export page: where to, then one button per format; the files written are listed. */
final class ExportView {
    private final VBox root;
    private final VBox cards = new VBox(14);

    ExportView(ExportViewModel vm) {
        root = Forms.page(Page.EXPORT.title(), Page.EXPORT.summary());
        GridPane where = Forms.grid();
        Forms.row(where, "Folder", Forms.pathField(vm.folderProperty(), "export-folder", "Choose the export folder", true),
                "Where the files go; existing files of the same name are replaced atomically");
        Forms.row(where, "File name", Forms.text(vm.baseNameProperty(), "export-name"), "Without extension");

        HBox tables = new HBox(8);
        for (ExportViewModel.TableFormat f : ExportViewModel.TableFormat.values()) {
            Button b = new Button(f.name().charAt(0) + f.name().substring(1).toLowerCase(java.util.Locale.ROOT), Icon.EXPORT.node(14));
            b.setId("export-table-" + f.extension());
            b.setTooltip(Forms.tip("Write the Compare table as ." + f.extension()));
            b.setOnAction(e -> vm.exportTable(f));
            tables.getChildren().add(b);
        }
        ListView<String> written = new ListView<>(vm.written());
        written.setId("export-written");
        written.setPrefHeight(160);
        cards.getChildren().addAll(Forms.card("Destination", where), Forms.card("Table", tables));
        VBox done = Forms.card("Written", written);
        VBox.setVgrow(written, Priority.ALWAYS);
        root.getChildren().addAll(cards, done);
    }

    /** Adds a card above the list of written files (the chart exports). */
    void addCard(VBox card) {
        cards.getChildren().add(card);
    }

    VBox root() { return root; }
}
