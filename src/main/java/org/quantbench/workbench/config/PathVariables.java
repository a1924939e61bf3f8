package org.quantbench.workbench.config;

import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the paths of a config: {@code ${QUANTBENCH_SHARED}} (the shared models and data folder: the variable of
 * that name, else {@code ../shared}) and {@code ${DEMO}} (the built-in demo model's folder, extracted on first use)
 * are substituted; a relative path is taken from {@code baseDir} (the config file's folder).
 */
public final class PathVariables {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Path baseDir;
    private final Path shared;
    private final Supplier<Path> demo;

    public PathVariables(Path baseDir, Path shared, Supplier<Path> demo) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.shared = shared.toAbsolutePath().normalize();
        this.demo = demo;
    }

    /** {@code $QUANTBENCH_SHARED} or {@code ../shared} (from the working directory). */
    public static Path defaultShared() {
        String env = System.getenv("QUANTBENCH_SHARED");
        return Path.of(env != null && !env.isBlank() ? env : "../shared").toAbsolutePath().normalize();
    }

    public Path baseDir() { return baseDir; }

    public PathVariables withBaseDir(Path dir) {
        return new PathVariables(dir, shared, demo);
    }

    /** @throws IllegalArgumentException naming an unknown variable */
    public Path resolve(String path) {
        Matcher m = VARIABLE.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "QUANTBENCH_SHARED" -> shared.toString();
                case "DEMO" -> demo.get().toString();
                default -> throw new IllegalArgumentException("unknown variable ${" + m.group(1)
                        + "}; known: ${QUANTBENCH_SHARED}, ${DEMO}");
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return baseDir.resolve(out.toString()).normalize();
    }
}
