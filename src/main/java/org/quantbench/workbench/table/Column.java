package org.quantbench.workbench.table;

/**
 * A column of a {@link ComparisonTable}: one metric of one step, e.g. step {@code task:arc_easy}, metric {@code acc}.
 *
 * @param label          header for people, e.g. "arc_easy acc"
 * @param higherIsBetter which direction is an improvement (null where neither is, e.g. bits per weight)
 * @param unit           e.g. "tok/s", "bytes", "%", "" for plain numbers
 */
public record Column(String step, String metric, String label, Boolean higherIsBetter, String unit) {

    /** The stable id, {@code step/metric}. */
    public String id() {
        return step + "/" + metric;
    }
}
