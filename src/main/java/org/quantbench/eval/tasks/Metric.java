package org.quantbench.eval.tasks;

/** One aggregate number of a task, e.g. {@code acc}, with its standard error (null where it has none). */
public record Metric(String name, double value, Double stderr) {
}
