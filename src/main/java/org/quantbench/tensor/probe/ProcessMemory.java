package org.quantbench.tensor.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident memory of this process as the kernel counts it (Linux {@code /proc/self/status}): mapped weight pages
 * that were touched count, which the JVM's heap figures miss. Empty where the file does not exist.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** Starts a new peak window (writing 5 to {@code /proc/self/clear_refs}); false where the system cannot. */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The peak resident set size ({@code VmHWM}) in bytes since the process started or the last {@link #resetPeak}. */
    public static OptionalLong peakRssBytes() {
        return field("VmHWM:");
    }

    /** The current resident set size ({@code VmRSS}) in bytes. */
    public static OptionalLong rssBytes() {
        return field("VmRSS:");
    }

    static OptionalLong parse(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB") && parts[0].matches("\\d{1,15}")) {
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong field(String key) {
        try {
            return Files.isReadable(STATUS) ? parse(Files.readString(STATUS), key) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
