package org.quantbench.workbench;

import java.nio.file.Path;

/**
 * The user's QuantBench folder: {@code $QUANTBENCH_HOME}, else {@code ~/.quantbench}. It holds the results database
 * ({@code results/}) and the extracted demo model ({@code demo/}); quantized models live in the cache
 * ({@code $QUANTBENCH_CACHE}, see {@code quant.QuantizedModelStore}).
 */
public record WorkbenchDirs(Path home) {

    public static WorkbenchDirs defaults() {
        String env = System.getenv("QUANTBENCH_HOME");
        return new WorkbenchDirs(env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".quantbench"));
    }

    public Path results() {
        return home.resolve("results");
    }

    public Path demo() {
        return home.resolve("demo");
    }
}
