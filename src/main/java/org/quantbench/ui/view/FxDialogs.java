package org.quantbench.ui.view;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.stage.Window;
import org.quantbench.ui.viewmodel.Dialogs;

import java.util.function.Supplier;

/** Modal alerts over the main window, styled by the current theme. */
public final class FxDialogs implements Dialogs {
    private final Supplier<Window> owner;

    public FxDialogs(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void error(String title, String reason) {
        Alert alert = alert(Alert.AlertType.ERROR, title, reason);
        alert.showAndWait();
    }

    @Override
    public boolean confirm(String title, String question) {
        Alert alert = alert(Alert.AlertType.CONFIRMATION, title, question);
        return alert.showAndWait().filter(b -> b == ButtonType.OK).isPresent();
    }

    private Alert alert(Alert.AlertType type, String title, String text) {
        Alert alert = new Alert(type);
        Window w = owner.get();
        if (w != null) {
            alert.initOwner(w);
            if (w.getScene() != null) {
                alert.getDialogPane().getStylesheets().setAll(w.getScene().getStylesheets());
            }
        }
        alert.setTitle(title);
        alert.setHeaderText(title);
        // A label that wraps: long file paths in reasons must stay readable.
        Label content = new Label(text);
        content.setWrapText(true);
        content.setMaxWidth(520);
        content.setId("dialog-reason");
        alert.getDialogPane().setContent(content);
        return alert;
    }
}
