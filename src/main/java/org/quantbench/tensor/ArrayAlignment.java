package org.quantbench.tensor;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;

/**
 * Where a float[]'s elements meet a 64-byte (cache line) boundary, so a kernel's buffers can start its 512-bit loads
 * there. A load that straddles two lines costs two: the 4 x 4 GEMM tile ran at 51-78 GFLOP/s on one thread from
 * unaligned rows and at 125 (the FMA peak) from aligned ones. Java does not say where an array lies, but with
 * {@code -XX:ObjectAlignmentInBytes=64} (the launcher and the tests pass it) every object starts on a line, so element
 * {@link #floatPad()} of every float[] does too. Without the flag the pad is unknown: kernels then load unaligned,
 * and that is logged once, since it costs up to 1.7x on GEMMs.
 */
public final class ArrayAlignment {
    /** The JVM option that makes array alignment known. */
    public static final String JVM_FLAG = "-XX:ObjectAlignmentInBytes=64";
    static final int LINE = 64;

    private static final int PAD = detect();

    private ArrayAlignment() {}

    /** Floats from index 0 of any float[] to its first element on a 64-byte boundary; 0 when unknown. */
    public static int floatPad() { return Math.max(PAD, 0); }

    /** Whether {@link #floatPad()} is known to put elements on a line (false without {@link #JVM_FLAG}). */
    public static boolean known() { return PAD >= 0; }

    private static int detect() {
        long objectAlignment = objectAlignment();
        int pad = pad(objectAlignment, floatBaseOffset());
        if (pad < 0) {
            System.getLogger(ArrayAlignment.class.getName()).log(Level.WARNING, "float arrays are not known to start "
                    + "on 64-byte lines (objects aligned to " + objectAlignment + " bytes; start the JVM with "
                    + JVM_FLAG + "): GEMM tiles load across cache lines, up to 1.7x slower");
        }
        return pad;
    }

    /** The pad in floats for this object alignment and array base offset, or -1 when it cannot be known. */
    static int pad(long objectAlignment, long baseOffset) {
        if (objectAlignment < LINE || objectAlignment % LINE != 0 || baseOffset < 0 || baseOffset % Float.BYTES != 0) {
            return -1;
        }
        return (int) ((LINE - baseOffset % LINE) % LINE / Float.BYTES);
    }

    private static long objectAlignment() {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return bean == null ? -1 : Long.parseLong(bean.getVMOption("ObjectAlignmentInBytes").getValue());
        } catch (RuntimeException e) {
            return -1; // not HotSpot, or no such option: alignment unknown
        }
    }

    @SuppressWarnings("removal")
    private static long floatBaseOffset() {
        try {
            // a constant read, not one of Unsafe's memory-access methods (those warn at run time)
            return sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET;
        } catch (LinkageError e) {
            return -1;
        }
    }
}
