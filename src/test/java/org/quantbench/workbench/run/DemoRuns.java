package org.quantbench.workbench.run;

import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.RunConfig;
import org.quantbench.workbench.config.RunConfigFile;
import org.quantbench.workbench.demo.DemoModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small run config on the built-in demo model (needs no ../shared): base + three schemes, one (GPTQ) without the calibration text it needs. */
final class DemoRuns {
    static final String CONFIG = """
            {"name": "demo-test",
             "model": {"path": "${DEMO}/stories260K.bin", "tokenizer": "${DEMO}/tok512.bin", "label": "base = F32"},
             "schemes": ["W8A8-INT", "NF4-DQ", "W4A16-GPTQ-g128-sym"],
             "evaluations": {
               "perplexity": {"text": "${DEMO}/demo-stories.txt", "split": "<|endoftext|>", "ctx": 64, "bos": true},
               "kld": {},
               "throughput": {"promptTokens": 8, "genTokens": 2, "streams": [1, 2], "repeats": 1, "warmup": 0}},
             "threads": 1,
             "profiles": {"ci": {"evaluations": {"perplexity": {"maxWindows": 3}}}}}
            """;

    private DemoRuns() {}

    static Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve("demo-test.json");
            Files.writeString(f, CONFIG);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PathVariables paths(Path configDir, Path home) {
        return new PathVariables(configDir, PathVariables.defaultShared(), () -> DemoModel.folder(home.resolve("demo")));
    }

    static RunPlan plan(Path dir) {
        Path file = write(dir.resolve("configs"));
        PathVariables paths = paths(file.getParent(), dir.resolve("home"));
        RunConfig config = RunConfigFile.read(file, paths);
        return RunPlan.of(config, "ci", paths);
    }
}
