package org.quantbench.ui.view;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.quantbench.ui.viewmodel.IntField;

import java.io.File;
import java.nio.file.Path;
import java.util.function.Function;

/** Building blocks the views share: page headers, cards, label/field grids, bound text fields, file pickers. */
final class Forms {
    private Forms() {}

    static VBox page(String title, String summary) {
        Label t = new Label(title);
        t.getStyleClass().add("page-title");
        Label s = new Label(summary);
        s.getStyleClass().add("page-summary");
        s.setWrapText(true);
        VBox page = new VBox(new VBox(2, t, s));
        page.getStyleClass().add("page");
        return page;
    }

    static VBox card(String title, Node... content) {
        Label t = new Label(title);
        t.getStyleClass().add("section-title");
        VBox card = new VBox(t);
        card.getChildren().addAll(content);
        card.getStyleClass().add("card");
        return card;
    }

    static GridPane grid() {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        grid.setPadding(new Insets(2, 0, 2, 0));
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(150);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setFillWidth(true);
        grid.getColumnConstraints().addAll(labels, fields);
        return grid;
    }

    static void row(GridPane grid, String label, Node field, String tip) {
        Label l = new Label(label);
        if (tip != null) {
            Tooltip t = new Tooltip(tip);
            t.setWrapText(true);
            t.setMaxWidth(420);
            l.setTooltip(t);
            if (field instanceof javafx.scene.control.Control c) {
                c.setTooltip(t);
            }
        }
        int r = grid.getRowCount();
        grid.add(l, 0, r);
        grid.add(field, 1, r);
    }

    /** A text field bound both ways to {@code text}. */
    static TextField text(StringProperty text, String id) {
        TextField field = new TextField();
        field.textProperty().bindBidirectional(text);
        field.setId(id);
        return field;
    }

    /** A short text field bound to a whole-number field, outlined red while its text is not acceptable. */
    static TextField number(IntField f, String id) {
        TextField field = text(f.textProperty(), id);
        field.setPrefColumnCount(8);
        field.setMaxWidth(140);
        Runnable mark = () -> {
            field.getStyleClass().remove("invalid");
            if (f.problem().isPresent()) {
                field.getStyleClass().add("invalid");
            }
        };
        f.textProperty().addListener(o -> mark.run());
        mark.run();
        return field;
    }

    /** A text field for a path with a "Browse" button (a file chooser, or a folder chooser when {@code folder}). */
    static HBox pathField(StringProperty path, String id, String title, boolean folder, FileChooser.ExtensionFilter... filters) {
        TextField field = text(path, id);
        HBox.setHgrow(field, Priority.ALWAYS);
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            File chosen;
            if (folder) {
                DirectoryChooser chooser = new DirectoryChooser();
                chooser.setTitle(title);
                initial(path.get()).ifDirectory(chooser::setInitialDirectory);
                chosen = chooser.showDialog(browse.getScene().getWindow());
            } else {
                FileChooser chooser = new FileChooser();
                chooser.setTitle(title);
                chooser.getExtensionFilters().addAll(filters);
                initial(path.get()).ifDirectory(chooser::setInitialDirectory);
                chosen = chooser.showOpenDialog(browse.getScene().getWindow());
            }
            if (chosen != null) {
                path.set(chosen.toString());
            }
        });
        return new HBox(6, field, browse);
    }

    private static StartFolder initial(String current) {
        if (current == null || current.isBlank()) {
            return new StartFolder(null);
        }
        Path p = Path.of(current).toAbsolutePath();
        File dir = p.toFile().isDirectory() ? p.toFile() : p.getParent() == null ? null : p.getParent().toFile();
        return new StartFolder(dir);
    }

    private record StartFolder(File dir) {
        void ifDirectory(java.util.function.Consumer<File> use) {
            if (dir != null && dir.isDirectory()) {
                use.accept(dir);
            }
        }
    }

    /** Shows a chart kind by its title in a combo box. */
    static javafx.util.StringConverter<org.quantbench.workbench.report.ChartKind> chartTitles() {
        return new javafx.util.StringConverter<>() {
            @Override
            public String toString(org.quantbench.workbench.report.ChartKind k) { return k == null ? "" : k.title(); }

            @Override
            public org.quantbench.workbench.report.ChartKind fromString(String s) {
                return java.util.Arrays.stream(org.quantbench.workbench.report.ChartKind.values())
                        .filter(k -> k.title().equals(s)).findFirst().orElse(null);
            }
        };
    }

    /** A read-only text column of {@code width} pixels showing {@code text} of each row. */
    static <T> TableColumn<T, String> textColumn(String title, double width, Function<T, String> text) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(v -> new ReadOnlyStringWrapper(text.apply(v.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    static Tooltip tip(String text) {
        Tooltip t = new Tooltip(text);
        t.setWrapText(true);
        t.setMaxWidth(420);
        return t;
    }
}
