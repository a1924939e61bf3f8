package org.quantbench.quant;

/** The version recorded in provenance. */
public final class SoftwareVersion {
    public static final String VERSION = "0.1.0";

    private SoftwareVersion() {}
}
