package org.quantbench.tensor;

import java.lang.System.Logger.Level;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every kernel uses, fixed once at start-up so that C2 sees a constant.
 *
 * <p>The preferred species of the CPU is used unless the system property {@value #BITS_PROPERTY} forces a
 * narrower one (128, 256, 512; 0 = scalar) to exercise fallbacks. A missing Vector API module or a
 * species narrower than 256 bits is logged once as a warning: kernels then run far below the machine's peak,
 * and that must never happen silently.
 */
public final class VectorSupport {
    public static final String BITS_PROPERTY = "quantbench.vector.bits";
    private static final String MODULE = "jdk.incubator.vector";

    private static final int BITS;
    private static final VectorSpecies<Float> SPECIES;

    static {
        boolean present = ModuleLayer.boot().findModule(MODULE).isPresent();
        Selection selection = select(System.getProperty(BITS_PROPERTY), present,
                present ? PreferredShape.bits() : 0);
        if (selection.warning() != null) {
            System.getLogger(VectorSupport.class.getName()).log(Level.WARNING, selection.warning());
        }
        BITS = selection.bits();
        SPECIES = BITS == 0 ? null : PreferredShape.floatSpecies(BITS);
    }

    private VectorSupport() {}

    /** Whether kernels may use the Vector API; when false they must take their scalar path. */
    public static boolean enabled() { return SPECIES != null; }

    /** The species kernels use; only call when {@link #enabled()}. */
    public static VectorSpecies<Float> floatSpecies() {
        if (SPECIES == null) {
            throw new IllegalStateException("the Vector API is disabled; use the scalar path");
        }
        return SPECIES;
    }

    /**
     * The species for kernel constants: {@link #floatSpecies()}, or the narrowest one when kernels run scalar (then
     * never used for arithmetic, since every vector path checks {@link #enabled()} first).
     */
    public static VectorSpecies<Float> kernelSpecies() {
        return SPECIES != null ? SPECIES : PreferredShape.floatSpecies(64);
    }

    /** Vector width in bits of {@link #floatSpecies()}, 0 when kernels run scalar. */
    public static int bits() { return BITS; }

    /** The outcome of the start-up choice: the width to use (0 = scalar) and a warning to log, or null. */
    record Selection(int bits, String warning) {}

    /**
     * Picks the width from the property value (may be null), whether the Vector API module is present, and
     * the CPU's preferred width in bits. A forced width wider than the preferred one is refused: the JDK would
     * emulate it without intrinsics, slower than scalar code.
     */
    static Selection select(String property, boolean apiPresent, int preferredBits) {
        if (!apiPresent) {
            return new Selection(0, "Vector API unavailable (start the JVM with --add-modules " + MODULE
                    + "): all kernels run scalar, many times slower");
        }
        int bits = preferredBits;
        String cause = " on this CPU";
        String ignored = null;
        if (property != null && !property.isBlank()) {
            String value = property.strip();
            int requested = parseBits(value);
            if (requested < 0) {
                ignored = "ignoring -D" + BITS_PROPERTY + "=" + value + " (expected 0, 128, 256 or 512)";
            } else if (requested > preferredBits) {
                ignored = "ignoring -D" + BITS_PROPERTY + "=" + value + ": this CPU's widest float vectors are "
                        + preferredBits + " bits";
            } else {
                bits = requested;
                cause = " (forced by -D" + BITS_PROPERTY + "=" + value + ")";
            }
        }
        String warning = bits == 0 ? "Vector API disabled" + cause + ": all kernels run scalar, many times slower"
                : bits < 256 ? "float vectors are only " + bits + " bits wide" + cause
                        + ": kernels run well below 256/512-bit speed"
                : null;
        if (ignored != null) {
            warning = warning == null ? ignored : ignored + "; " + warning;
        }
        return new Selection(bits, warning);
    }

    private static int parseBits(String value) {
        return switch (value) {
            case "0" -> 0;
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> -1;
        };
    }

    /** Touches the Vector API classes only once the module is known to be present. */
    private static final class PreferredShape {
        static int bits() { return FloatVector.SPECIES_PREFERRED.vectorBitSize(); }

        static VectorSpecies<Float> floatSpecies(int bits) {
            return FloatVector.SPECIES_PREFERRED.vectorBitSize() == bits ? FloatVector.SPECIES_PREFERRED
                    : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
        }
    }
}
