package org.quantbench.ui.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;

/** One multiple-choice task that can be ticked for the run. */
public record TaskChoice(String name, String description, BooleanProperty selected) {

    public TaskChoice(String name, String description) {
        this(name, description, new SimpleBooleanProperty());
    }

    public boolean isSelected() { return selected.get(); }
}
