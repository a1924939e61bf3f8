package org.quantbench.ui.view;

import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import org.quantbench.ui.viewmodel.ExportViewModel;
import org.quantbench.workbench.report.ChartFormat;
import org.quantbench.workbench.report.ChartKind;
import org.quantbench.ui.viewmodel.Page;

/** The Export page: where to, then a button per chart and table format and the one-click report; the files written are listed. */
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
        ComboBox<ChartKind> kind = new ComboBox<>(vm.chartKinds());
        kind.setId("export-chart-kind");
        kind.valueProperty().bindBidirectional(vm.chartKindProperty());
        kind.setPromptText("no chart until there are results");
        kind.setConverter(Forms.chartTitles());
        GridPane chartGrid = Forms.grid();
        Forms.row(chartGrid, "Chart", kind, "The charts the Compare table has data for");
        Forms.row(chartGrid, "Size", new HBox(6, Forms.number(vm.width(), "export-width"), new Label("x"),
                Forms.number(vm.height(), "export-height")), "Pixels for PNG and SVG, points for PDF");
        HBox chartButtons = new HBox(8);
        for (ChartFormat f : ChartFormat.values()) {
            Button b = new Button(f.name(), Icon.EXPORT.node(14));
            b.setId("export-chart-" + f.extension());
            b.setTooltip(Forms.tip("Write the chosen chart as ." + f.extension()));
            b.setOnAction(e -> vm.exportChart(f));
            chartButtons.getChildren().add(b);
        }
        Button report = new Button("HTML report", Icon.EXPORT.node(14));
        report.setId("export-report");
        report.getStyleClass().add("primary");
        report.setTooltip(Forms.tip("One click: every chart as PNG and SVG plus report.html with the table and the charts"));
        report.setOnAction(e -> vm.exportReport());

        ListView<String> written = new ListView<>(vm.written());
        written.setId("export-written");
        written.setPrefHeight(160);
        HBox formats = new HBox(14, Forms.card("Chart", chartGrid, chartButtons), Forms.card("Table", tables),
                Forms.card("Report", report));
        formats.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
        cards.getChildren().addAll(Forms.card("Destination", where), formats);
        VBox done = Forms.card("Written", written);
        VBox.setVgrow(written, Priority.ALWAYS);
        root.getChildren().addAll(cards, done);
    }

    VBox root() { return root; }
}
