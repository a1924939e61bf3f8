package org.quantbench.ui.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The window: which page shows, light or dark theme, and the status line. */
public final class MainViewModel {
    private final ObjectProperty<Page> page = new SimpleObjectProperty<>(Page.MODEL);
    private final BooleanProperty dark = new SimpleBooleanProperty();
    private final StringProperty status = new SimpleStringProperty("Ready.");

    public ObjectProperty<Page> pageProperty() { return page; }

    public BooleanProperty darkProperty() { return dark; }

    public void toggleTheme() { dark.set(!dark.get()); }

    public StringProperty statusProperty() { return status; }
}
