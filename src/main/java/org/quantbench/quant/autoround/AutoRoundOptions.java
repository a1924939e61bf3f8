package org.quantbench.quant.autoround;

import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;

/**
 * AutoRound's settings: groups of {@code groupSize} columns (or {@link IntGroupedLinear#PER_CHANNEL}) rounded by
 * {@code quantizer} (asymmetric, or symmetric under either convention; auto-round's own is
 * {@link org.quantbench.quant.intq.SymmetricConvention#AUTO_ROUND}); {@code iterations} sign-gradient steps, each on one
 * calibration sample, at a learning rate decaying linearly from {@code learningRate} to 0 (auto-round's default
 * schedule) for the rounding offsets and the clipping factors alike.
 */
public record AutoRoundOptions(IntQuantizer quantizer, int groupSize, int iterations, double learningRate) {
    /** auto-round's default: 200 iterations. */
    public static final int DEFAULT_ITERATIONS = 200;
    /** The range of the clipping factors of each group's minimum and maximum. */
    public static final float MIN_CLIP = 0.5f;

    public AutoRoundOptions {
        java.util.Objects.requireNonNull(quantizer, "quantizer");
        if ((groupSize < 1 && groupSize != IntGroupedLinear.PER_CHANNEL) || iterations < 0
                || !(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("AutoRound needs groupSize >= 1 or per channel, iterations >= 0 and a"
                    + " positive learning rate, got " + this);
        }
    }

    /** auto-round's defaults for a quantizer and group size: 200 iterations, learning rate 1/200. */
    public static AutoRoundOptions defaults(IntQuantizer quantizer, int groupSize) {
        return new AutoRoundOptions(quantizer, groupSize, DEFAULT_ITERATIONS, 1.0 / DEFAULT_ITERATIONS);
    }

    /** Columns per group in a row of {@code cols} (the last group of a row may be shorter). */
    public int groupColumns(int cols) {
        return groupSize == IntGroupedLinear.PER_CHANNEL ? cols : Math.min(groupSize, cols);
    }
}
