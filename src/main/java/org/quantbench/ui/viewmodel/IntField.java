package org.quantbench.ui.viewmodel;

import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A whole-number text field with its own range check; blank means "not set" when the field is optional. Ranges up to
 * {@code long} (byte counts, seeds) read through {@link #longValue()}.
 */
public final class IntField {
    private final String label;
    private final long min;
    private final long max;
    private final boolean optional;
    private final StringProperty text;

    public IntField(String label, String initial, long min, long max, boolean optional) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.optional = optional;
        this.text = new SimpleStringProperty(initial);
    }

    public StringProperty textProperty() { return text; }

    public String label() { return label; }

    /** Why the text is not acceptable, or empty. */
    public Optional<String> problem() {
        String t = text.get() == null ? "" : text.get().strip();
        if (t.isEmpty()) {
            return optional ? Optional.empty() : Optional.of(label + ": required");
        }
        try {
            long v = Long.parseLong(t);
            if (v < min || v > max) {
                return Optional.of(label + ": " + t + " is outside " + min + ".." + max);
            }
            return Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of(label + ": '" + t + "' is not a whole number");
        }
    }

    /** The value, or empty when blank (call only when {@link #problem()} is empty). */
    public OptionalInt value() {
        String t = text.get() == null ? "" : text.get().strip();
        return t.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(t));
    }

    /** The value of a field whose range goes beyond {@code int}, or empty when blank. */
    public OptionalLong longValue() {
        String t = text.get() == null ? "" : text.get().strip();
        return t.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(t));
    }

    public void set(Integer value) {
        text.set(value == null ? "" : value.toString());
    }

    public void setLong(Long value) {
        text.set(value == null ? "" : value.toString());
    }
}
