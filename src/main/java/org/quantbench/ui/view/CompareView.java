package org.quantbench.ui.view;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.quantbench.ui.viewmodel.CompareViewModel;
import org.quantbench.ui.viewmodel.Page;
import javafx.scene.control.ComboBox;
import org.jfree.chart.fx.ChartViewer;
import org.quantbench.workbench.report.ChartKind;
import org.quantbench.workbench.report.ChartStyle;
import org.quantbench.workbench.report.ComparisonCharts;
import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.table.Cell;
import org.quantbench.workbench.table.Column;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.Row;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The Compare page: the run history (pick one or several, Ctrl+click) and the results table with the change against
 * the base under each value (green better, red worse, grey within noise). Sorting a column keeps the base first.
 */
final class CompareView {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private final VBox root;
    private final TableView<Row> results = new TableView<>();

    CompareView(CompareViewModel vm, javafx.beans.property.BooleanProperty dark) {
        root = Forms.page(Page.COMPARE.title(), Page.COMPARE.summary());

        TableView<RunRecord> history = new TableView<>(vm.runs());
        history.setId("history-table");
        history.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        TableColumn<RunRecord, String> name = new TableColumn<>("Run");
        name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().name()
                + (c.getValue().profile() == null ? "" : " (" + c.getValue().profile() + ")")));
        TableColumn<RunRecord, String> when = new TableColumn<>("Started");
        when.setCellValueFactory(c -> new ReadOnlyStringWrapper(WHEN.format(c.getValue().started())));
        TableColumn<RunRecord, String> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().status().name().toLowerCase(java.util.Locale.ROOT)
                + (c.getValue().note() == null ? "" : ": " + c.getValue().note())));
        history.getColumns().add(name);
        history.getColumns().add(when);
        history.getColumns().add(status);
        history.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        history.setPlaceholder(new Label("No runs stored yet."));
        Button show = new Button("Show selected", Icon.HISTORY.node(14));
        show.setId("history-show");
        show.setTooltip(Forms.tip("Show the selected run, or the selected runs side by side"));
        show.setOnAction(e -> vm.show(history.getSelectionModel().getSelectedItems()));
        history.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                vm.show(history.getSelectionModel().getSelectedItems());
            }
        });
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> vm.refresh());
        VBox historyCard = Forms.card("History", history, new HBox(8, show, refresh));
        VBox.setVgrow(history, Priority.ALWAYS);

        TextField filter = Forms.text(vm.filterProperty(), "compare-filter");
        filter.setPromptText("Filter rows, e.g. W4 or GPTQ");
        HBox.setHgrow(filter, Priority.ALWAYS);
        CheckBox hide = new CheckBox("hide empty columns");
        hide.selectedProperty().bindBidirectional(vm.hideEmptyColumnsProperty());
        Label title = new Label();
        title.getStyleClass().add("muted");
        results.setId("results-table");
        results.setPlaceholder(new Label("Run a comparison (Jobs) or pick runs from the history."));
        results.setSortPolicy(t -> true);
        vm.shownProperty().addListener((o, was, now) -> fill(vm, now, title));
        VBox tableCard = Forms.card("Results", new HBox(10, filter, hide), title, results);
        VBox.setVgrow(results, Priority.ALWAYS);

        ComboBox<ChartKind> kind = new ComboBox<>(vm.chartKinds());
        kind.setId("chart-kind");
        kind.valueProperty().bindBidirectional(vm.chartKindProperty());
        kind.setConverter(Forms.chartTitles());
        ChartViewer viewer = new ChartViewer();
        viewer.setId("chart-viewer");
        Runnable draw = () -> {
            ChartKind k = vm.chartKindProperty().get();
            ComparisonTable t = vm.shownProperty().get();
            // The viewer takes no null chart: without data it is hidden instead.
            viewer.setVisible(k != null && t != null);
            if (k != null && t != null) {
                viewer.setChart(ComparisonCharts.create(k, t, dark.get() ? ChartStyle.DARK : ChartStyle.LIGHT));
            }
        };
        vm.chartKindProperty().addListener(o -> draw.run());
        vm.shownProperty().addListener(o -> draw.run());
        dark.addListener(o -> draw.run());
        VBox chartCard = Forms.card("Chart", kind, viewer);
        VBox.setVgrow(viewer, Priority.ALWAYS);

        // History beside the table, the chart below: three stacked cards overflow a laptop-sized window.
        SplitPane top = new SplitPane(historyCard, tableCard);
        top.setDividerPositions(0.3);
        historyCard.setMinWidth(240);
        tableCard.setMinWidth(360);
        SplitPane split = new SplitPane(top, chartCard);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.5);
        history.setMinHeight(80);
        results.setMinHeight(110);
        viewer.setMinHeight(160);
        VBox.setVgrow(split, Priority.ALWAYS);
        root.getChildren().add(split);
    }

    /** Rebuilds the columns for a table: one per metric, the row label first; a header click sorts through the VM. */
    private void fill(CompareViewModel vm, ComparisonTable table, Label title) {
        results.getColumns().clear();
        if (table == null) {
            results.setItems(FXCollections.observableArrayList());
            title.setText("");
            return;
        }
        title.setText(table.title() + ": " + table.rows().size() + " rows; Δ is against the base of the same run,"
                + " ≈ marks a change within 1.96 standard errors");
        TableColumn<Row, String> label = new TableColumn<>("Model");
        label.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().label()));
        label.setPrefWidth(220);
        label.setSortable(false);
        results.getColumns().add(label);
        for (Column c : table.columns()) {
            String header = c.unit().isEmpty() ? c.label() : c.label() + " (" + c.unit() + ")";
            String arrow = c.id().equals(vm.sortColumnProperty().get()) ? (vm.ascendingProperty().get() ? " ▲" : " ▼") : "";
            TableColumn<Row, Cell> col = new TableColumn<>();
            Label head = new Label(header + arrow);
            head.setOnMouseClicked(e -> vm.sortBy(c.id()));
            head.setTooltip(Forms.tip(c.step() + " / " + c.metric() + (c.higherIsBetter() == null ? ""
                    : c.higherIsBetter() ? "; higher is better" : "; lower is better") + ". Click to sort."));
            col.setGraphic(head);
            col.setSortable(false);
            col.setPrefWidth(140);
            col.setCellValueFactory(r -> new ReadOnlyObjectWrapper<>(r.getValue().cell(c)));
            col.setCellFactory(x -> new MetricCell(c));
            results.getColumns().add(col);
        }
        results.setItems(FXCollections.observableArrayList(table.rows()));
    }

    /** A value with its standard error, the delta against the base on a second line, coloured by direction. */
    private static final class MetricCell extends TableCell<Row, Cell> {
        private final Column column;
        private final Label value = new Label();
        private final Label delta = new Label();
        private final VBox box = new VBox(0, value, delta);

        MetricCell(Column column) {
            this.column = column;
        }

        @Override
        protected void updateItem(Cell cell, boolean empty) {
            super.updateItem(cell, empty);
            if (empty || cell == null) {
                setGraphic(null);
                setTooltip(null);
                return;
            }
            value.setText(CompareViewModel.valueText(cell, column));
            delta.setText(CompareViewModel.deltaText(cell, column));
            delta.getStyleClass().removeAll("delta-better", "delta-worse", "within-noise");
            String style = CompareViewModel.deltaStyle(cell, column);
            if (!style.isEmpty()) {
                delta.getStyleClass().add(style);
            }
            value.getStyleClass().remove("error-text");
            if (!cell.hasValue()) {
                value.getStyleClass().add("error-text");
            }
            setTooltip(cell.hasValue() ? null : Forms.tip(cell.failure()));
            setGraphic(box);
        }
    }

    VBox root() { return root; }
}
