package org.quantbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void aConfigErrorNamesFileAndFieldAndStoresNothing() throws Exception {
        Path config = dir.resolve("run.json");
        Files.writeString(config, """
                {"name": "bad", "model": {"path": "${DEMO}/stories260K.bin", "tokenizer": "${DEMO}/tok512.bin"},
                 "schemes": ["W8A8-INT", "W5A16-FOO"]}
                """);
        CliRun r = CliRun.of("run", config.toString(), "--db", dir.resolve("db").toString(), "--cache", dir.resolve("cache").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + config + ": schemes[1]: ").contains("unknown scheme 'W5A16-FOO'");
        assertThat(dir.resolve("db")).doesNotExist();
    }

    @Test
    void anUnknownProfileIsAnError() throws Exception {
        Path config = dir.resolve("run.json");
        Files.writeString(config, """
                {"name": "p", "model": {"path": "run.json"}, "profiles": {"quick": {}}}
                """);
        CliRun r = CliRun.of("run", config.toString(), "--profile", "fast", "--db", dir.resolve("db").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no profile 'fast'").contains("quick");
    }
}
