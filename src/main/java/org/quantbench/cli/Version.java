package org.quantbench.cli;

/** The software version recorded in every result's provenance. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {}
}
