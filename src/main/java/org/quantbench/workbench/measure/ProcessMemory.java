package org.quantbench.workbench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's peak resident set (Linux {@code VmHWM}), resettable between steps by writing 5 to
 * {@code /proc/self/clear_refs}. Elsewhere, or where the kernel refuses the reset, nothing is reported rather
 * than a number that means something else.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** Starts a new peak window; false when this system cannot. */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The peak resident bytes since the last reset (or the process start). */
    public static OptionalLong peakRssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).strip().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
