package org.quantbench.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the layers of docs/architecture.md: a package may only use packages below it, only the ui touches
 * JavaFX, and nothing names the optional gpu backend statically (it is found at run time).
 */
class LayeringTest {
    /** Lower rank = lower layer. */
    private static final Map<String, Integer> RANK = Map.of(
            "tensor", 0, "model", 1, "engine", 2, "export", 3, "quant", 4, "eval", 5, "workbench", 6, "cli", 7, "ui", 8,
            "gpu", 9);
    private static final Pattern REFERENCE = Pattern.compile("org\\.quantbench\\.(\\w+)");
    private static final Path SOURCES = Path.of("src/main/java/org/quantbench");

    @Test
    void importsPointDownOnly() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String layer = SOURCES.relativize(file).getName(0).toString();
                assertThat(RANK).as("package of %s is not a known layer", file).containsKey(layer);
                String code = Files.readString(file);
                Matcher m = REFERENCE.matcher(code.substring(code.indexOf(';') + 1));
                while (m.find()) {
                    String used = m.group(1);
                    if (used.equals(layer)) {
                        continue;
                    }
                    boolean allowed = RANK.containsKey(used) && !used.equals("gpu") && RANK.get(used) < RANK.get(layer);
                    if (!allowed) {
                        violations.add(file + " (" + layer + ") uses " + used);
                    }
                }
                if (!layer.equals("ui") && code.contains("javafx.")) {
                    violations.add(file + " (" + layer + ") uses JavaFX");
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
