package org.quantbench.ui.view;

import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.quantbench.ui.viewmodel.JobRow;
import org.quantbench.ui.viewmodel.JobsViewModel;
import org.quantbench.ui.viewmodel.Page;
import org.quantbench.workbench.jobs.JobState;
import org.quantbench.workbench.run.RowProgress;

/** The Jobs page: the queue with progress bars and ETA, the selected job's log, cancel and retry. */
final class JobsView {
    private final VBox root;

    JobsView(JobsViewModel vm) {
        root = Forms.page(Page.JOBS.title(), Page.JOBS.summary());
        TableView<JobRow> table = new TableView<>(vm.jobs());
        table.setId("jobs-table");
        TableColumn<JobRow, String> name = new TableColumn<>("Job");
        name.setCellValueFactory(c -> c.getValue().nameProperty());
        name.setPrefWidth(260);
        TableColumn<JobRow, JobState> state = new TableColumn<>("State");
        state.setCellValueFactory(c -> c.getValue().stateProperty());
        state.setPrefWidth(100);
        TableColumn<JobRow, Number> progress = new TableColumn<>("Progress");
        progress.setCellValueFactory(c -> c.getValue().progressProperty());
        progress.setCellFactory(c -> new TableCell<>() {
            private final ProgressBar bar = new ProgressBar();

            @Override
            protected void updateItem(Number value, boolean empty) {
                super.updateItem(value, empty);
                bar.setMaxWidth(Double.MAX_VALUE);
                bar.setProgress(value == null ? 0 : value.doubleValue());
                setGraphic(empty ? null : bar);
            }
        });
        progress.setPrefWidth(180);
        TableColumn<JobRow, String> eta = new TableColumn<>("Time left");
        eta.setCellValueFactory(c -> c.getValue().etaProperty());
        eta.setPrefWidth(110);
        TableColumn<JobRow, String> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> c.getValue().statusProperty());
        table.getColumns().add(name);
        table.getColumns().add(state);
        table.getColumns().add(progress);
        table.getColumns().add(eta);
        table.getColumns().add(status);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No jobs yet: tick schemes and press Run (Ctrl+R)."));
        vm.jobs().addListener((javafx.collections.ListChangeListener<JobRow>) c -> {
            if (table.getSelectionModel().isEmpty() && !vm.jobs().isEmpty()) {
                table.getSelectionModel().selectLast();
            }
        });

        TextArea log = new TextArea();
        log.setId("job-log");
        log.setEditable(false);
        log.getStyleClass().add("log-area");
        log.setPrefRowCount(10);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            log.textProperty().unbind();
            if (now != null) {
                log.textProperty().bind(now.logProperty());
            } else {
                log.setText("");
            }
        });
        log.textProperty().addListener(o -> log.setScrollTop(Double.MAX_VALUE));

        Button cancel = new Button("Cancel", Icon.CANCEL.node(14));
        cancel.setId("job-cancel");
        cancel.setTooltip(Forms.tip("Stop the selected job after its current window or item; stored results stay"));
        cancel.setOnAction(e -> vm.cancel(table.getSelectionModel().getSelectedItem()));
        Button retry = new Button("Retry", Icon.RETRY.node(14));
        retry.setId("job-retry");
        retry.setTooltip(Forms.tip("Run the selected job again; steps already stored are skipped"));
        retry.setOnAction(e -> vm.retry(table.getSelectionModel().getSelectedItem()));
        var selected = table.getSelectionModel().selectedItemProperty();
        cancel.disableProperty().bind(Bindings.createBooleanBinding(() -> selected.get() == null
                || selected.get().stateProperty().get().ended(), selected, vm.jobs()));
        retry.disableProperty().bind(Bindings.createBooleanBinding(() -> selected.get() == null
                || !selected.get().stateProperty().get().ended(), selected, vm.jobs()));
        Button clear = new Button("Clear ended");
        clear.setTooltip(Forms.tip("Remove ended jobs from the list; their results stay in the database"));
        clear.setOnAction(e -> vm.clearEnded());

        TableView<RowProgress.Row> schemes = schemeTable();
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) ->
                schemes.setItems(now == null ? FXCollections.observableArrayList() : now.schemes()));

        table.setMinHeight(150);
        table.setPrefHeight(150);
        VBox queue = Forms.card("Queue", table, new HBox(8, cancel, retry, clear));
        VBox rowsCard = Forms.card("Schemes of the selected run", schemes);
        VBox.setVgrow(schemes, Priority.ALWAYS);
        VBox.setVgrow(rowsCard, Priority.ALWAYS);
        root.getChildren().addAll(queue, rowsCard, Forms.card("Log", log));
    }

    /** Per row of the selected run: steps done, the running step, time spent and time left. */
    private static TableView<RowProgress.Row> schemeTable() {
        TableView<RowProgress.Row> t = new TableView<>();
        t.setId("job-schemes");
        t.getColumns().add(Forms.textColumn("Scheme", 240, RowProgress.Row::row));
        t.getColumns().add(Forms.textColumn("Steps", 130, JobRow::stepsText));
        t.getColumns().add(Forms.textColumn("Running", 200, JobRow::runningText));
        t.getColumns().add(Forms.textColumn("Time", 110, JobRow::spentText));
        t.getColumns().add(Forms.textColumn("Time left", 110, JobRow::leftText));
        t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        t.setPlaceholder(new Label("Select a run to see its schemes."));
        return t;
    }

    VBox root() { return root; }
}
