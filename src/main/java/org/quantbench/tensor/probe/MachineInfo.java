package org.quantbench.tensor.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quantbench.tensor.ArrayAlignment;
import org.quantbench.tensor.VectorSupport;

/**
 * Where a benchmark ran, for the provenance line of a report.
 *
 * @param cores      processors available to the JVM
 * @param cpuModel   the first {@code model name} of /proc/cpuinfo, or "unknown" where that is not readable
 * @param vectorBits float vector width the kernels use ({@link VectorSupport#bits()}), 0 when they run scalar
 * @param alignedLoads whether the kernels' buffers start on cache lines ({@link ArrayAlignment#known()}): GEMMs run
 *                     up to 1.7x slower without, so a benchmark says which it had
 * @param jdk        vendor and full version of the running JDK
 * @param os         name, version and architecture of the operating system
 */
public record MachineInfo(int cores, String cpuModel, int vectorBits, boolean alignedLoads, String jdk, String os) {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    /** /proc/cpuinfo repeats the model for every core; the first few lines are enough and a hostile file stays cheap. */
    private static final int MAX_LINES = 64;
    private static final int MAX_MODEL_CHARS = 200;

    public static MachineInfo current() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpuModel(CPUINFO),
                VectorSupport.bits(), ArrayAlignment.known(),
                System.getProperty("java.vendor") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    /** The kernels' vectors as reports print them, e.g. "512-bit vectors, line-aligned loads". */
    public String vectors() {
        return vectorBits + "-bit vectors, " + (alignedLoads ? "line-aligned loads"
                : "unaligned loads (no " + ArrayAlignment.JVM_FLAG + ")");
    }

    static String cpuModel(Path cpuinfo) {
        if (!Files.isReadable(cpuinfo)) {
            return "unknown";
        }
        try (BufferedReader reader = Files.newBufferedReader(cpuinfo, StandardCharsets.UTF_8)) {
            String line;
            for (int i = 0; i < MAX_LINES && (line = reader.readLine()) != null; i++) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals("model name")) {
                    String model = line.substring(colon + 1).strip();
                    return model.isEmpty() ? "unknown"
                            : model.substring(0, Math.min(model.length(), MAX_MODEL_CHARS));
                }
            }
            return "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
