package org.quantbench.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Temporary: replaced by the probing version. */
public final class VectorSupport {
    private VectorSupport() {}

    public static VectorSpecies<Float> floatSpecies() { return FloatVector.SPECIES_PREFERRED; }

    public static boolean enabled() { return true; }
}
