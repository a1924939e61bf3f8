package org.quantbench.workbench.table;

/**
 * One number of a {@link ComparisonTable}, or why there is none.
 *
 * @param delta       value minus the base's value (null in the base row or without a base value)
 * @param deltaPct    delta in percent of the base's value (null where the base is 0 or missing)
 * @param withinNoise whether |delta| is within 1.96 combined standard errors (false when either lacks one)
 * @param failure     why the step produced no number (null when there is a value)
 */
public record Cell(Double value, Double stderr, Double delta, Double deltaPct, boolean withinNoise, String failure) {

    public static Cell failed(String reason) {
        return new Cell(null, null, null, null, false, reason);
    }

    public boolean hasValue() {
        return value != null;
    }
}
