package org.quantbench.quant;

import org.quantbench.quant.intq.SymmetricConvention;

/**
 * Weight-only integer quantization {@code W{bits}A16}: b-bit codes per output channel ({@code groupSize} 0) or per
 * group of input columns, symmetric (under a named {@link SymmetricConvention}) or asymmetric, produced by
 * {@code method}.
 */
public record IntWeightScheme(int bits, Method method, int groupSize, boolean symmetric, SymmetricConvention convention)
        implements Scheme {

    /** How the codes are chosen. RTN needs no data; the others are calibration methods. */
    public enum Method {
        RTN, GPTQ, AWQ, AUTOROUND;

        public String label() {
            return this == AUTOROUND ? "AutoRound" : name();
        }
    }

    public IntWeightScheme {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be 2..8, got " + bits);
        }
        if (groupSize < 0) {
            throw new IllegalArgumentException("group size must be positive (or 0 for per-channel), got " + groupSize);
        }
        if (method == null) {
            throw new IllegalArgumentException("a method is required");
        }
        if (convention == null) {
            convention = SymmetricConvention.LLM_COMPRESSOR;
        }
        if (method == Method.AWQ && symmetric) {
            throw new IllegalArgumentException("AWQ is defined for asymmetric groups (W4A16-AWQ-g128-asym)");
        }
    }

    /** Per-channel symmetric RTN, the {@code W8A16-RTN} shorthand. */
    public static IntWeightScheme rtnPerChannel(int bits) {
        return new IntWeightScheme(bits, Method.RTN, 0, true, SymmetricConvention.LLM_COMPRESSOR);
    }

    public boolean perChannel() {
        return groupSize == 0;
    }

    @Override
    public String name() {
        String sym = symmetric ? (convention == SymmetricConvention.AUTO_ROUND ? "sym-ar" : "sym") : "asym";
        return "W" + bits + "A16-" + method.label() + "-" + (perChannel() ? "ch" : "g" + groupSize) + "-" + sym;
    }

    @Override
    public String description() {
        return bits + "-bit integer weights (" + (perChannel() ? "one scale per output channel" : "one scale per "
                + groupSize + " input columns") + ", " + (symmetric ? "symmetric" : "asymmetric with zero points")
                + ") chosen by " + method.label() + "; activations stay 16/32-bit float.";
    }

    @Override
    public boolean needsCalibration() {
        return method != Method.RTN;
    }
}
