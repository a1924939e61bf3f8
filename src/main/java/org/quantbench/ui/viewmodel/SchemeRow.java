package org.quantbench.ui.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import org.quantbench.quant.Scheme;

import java.util.Optional;

/**
 * One line of the scheme checklist. A scheme the engine cannot run yet stays in the list, unticked and disabled,
 * with the reason as its tooltip: it can never be selected.
 */
public final class SchemeRow {
    private final Scheme scheme;
    private final BooleanProperty selected = new SimpleBooleanProperty();

    SchemeRow(Scheme scheme) {
        this.scheme = scheme;
        selected.addListener((obs, was, now) -> {
            if (now && !available()) {
                selected.set(false);
            }
        });
    }

    public Scheme scheme() { return scheme; }

    public String name() { return scheme.name(); }

    /** The family heading the row is listed under. */
    public String family() { return SchemeFamily.of(scheme).title(); }

    public boolean available() { return scheme.unavailableReason().isEmpty(); }

    public Optional<String> unavailableReason() { return scheme.unavailableReason(); }

    /** The tooltip: the scheme in one sentence, or why it is not available. */
    public String tooltip() {
        return scheme.unavailableReason().map(r -> "Not available: " + r + ".").orElse(scheme.description());
    }

    public BooleanProperty selectedProperty() { return selected; }

    public boolean isSelected() { return selected.get(); }
}
