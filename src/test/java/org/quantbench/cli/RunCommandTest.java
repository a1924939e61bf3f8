package org.quantbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    @Test
    void theDemoConfigWritesTablesChartsAndTheReport() throws Exception {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("run", Path.of("sample-configs/demo-stories260k.json").toString(), "--profile", "ci",
                "--out", out.toString(), "--db", dir.resolve("db").toString(), "--cache", dir.resolve("cache").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(out.resolve("table.csv")).isNotEmptyFile();
        for (String chart : List.of("memory", "perplexity", "kld", "throughput", "accuracy-vs-bits")) {
            assertThat(Files.readAllBytes(out.resolve(chart + ".png"))).startsWith(0x89, 'P', 'N', 'G');
            assertThat(Files.readString(out.resolve(chart + ".svg"))).contains("<svg");
        }
        assertThat(Files.readString(out.resolve("report.html"))).contains("<svg").contains("NF4-DQ")
                .contains("quantbench run");
    }
}
