package org.quantbench.quant.awq;

import org.quantbench.quant.intq.IntGroupedLinear;

/**
 * AWQ's settings: asymmetric {@code bits}-bit groups of {@code groupSize} columns (or
 * {@link IntGroupedLinear#PER_CHANNEL}); {@code gridPoints} values of alpha,
 * {@code i / gridPoints} for {@code i = 0 .. gridPoints-1}; the clip search tries the range shrunk to
 * {@code 1 - i / clipGrid} of each group's absolute maximum for {@code i = 0 .. clipSteps-1}.
 */
public record AwqOptions(int bits, int groupSize, int gridPoints, int clipSteps, int clipGrid) {
    /** AutoAWQ's: 4 bits, group 128, alpha in {0, 0.05, ..., 0.95}, clip down to 55% of the group maximum. */
    public static final AwqOptions DEFAULT = new AwqOptions(4, 128, 20, 10, 20);

    public AwqOptions {
        if (bits < 2 || bits > 8 || (groupSize < 1 && groupSize != IntGroupedLinear.PER_CHANNEL) || gridPoints < 1 || clipSteps < 1 || clipGrid < clipSteps) {
            throw new IllegalArgumentException("AWQ needs bits 2..8, groupSize >= 1, gridPoints >= 1 and 1 <= clipSteps <= clipGrid, got "
                    + this);
        }
    }

    /** Columns per group in a row of {@code cols} (the last group of a row may be shorter). */
    public int groupColumns(int cols) {
        return groupSize == IntGroupedLinear.PER_CHANNEL ? cols : Math.min(groupSize, cols);
    }

    /** The alpha of grid point {@code i}. */
    public double alpha(int i) {
        return (double) i / gridPoints;
    }

    /** The clip factor of candidate {@code i}: the group range is clamped to {@code +-factor * absmax}. */
    public float clipFactor(int i) {
        return 1f - (float) i / clipGrid;
    }
}
