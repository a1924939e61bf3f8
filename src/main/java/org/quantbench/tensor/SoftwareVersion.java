package org.quantbench.tensor;

/** The version recorded in provenance. */
public final class SoftwareVersion {
    public static final String VERSION = "0.1.0";

    private SoftwareVersion() {}
}
