package org.quantbench.model;

/** Llama 3.1/3.2 "llama3" RoPE frequency scaling; {@link #NONE} leaves frequencies as they are. */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {
    public static final RopeScaling NONE = new RopeScaling("none", 1, 1, 1, 0);

    public boolean isNone() { return "none".equals(type); }
}
