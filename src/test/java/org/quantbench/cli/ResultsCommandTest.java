package org.quantbench.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.ResultStoreHolder;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.StepKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsCommandTest {
    @TempDir
    Path dir;

    private static ResultRow row(String runId, String step, String metric, double value) {
        return new ResultRow(StepKey.sha256("model"), "/m.bin", "base", null, step, metric, value, null, "def of " + step,
                "", 1, null, JsonNodeFactory.instance.objectNode().put("threads", 2), 0.5, "float", runId,
                Instant.parse("2025-03-01T10:15:30Z"));
    }

    @Test
    void exportAndImportMoveTheRowsToAnotherDatabase() {
        List<ResultRow> stored;
        try (ResultStore source = ResultStore.open(dir.resolve("a"))) {
            String run = source.createRun("r", null, "{}").id();
            source.saveStep(run, List.of(row(run, "memory", "bits_per_weight", 16), row(run, "memory", "wall_seconds", 0.1)));
            source.saveStep(run, List.of(row(run, "throughput", "decode_tok_s@1", 120.5)));
            stored = source.allRows();
        }
        Path file = dir.resolve("moved.json");
        CliRun export = CliRun.of("results", "export", "--db", dir.resolve("a").toString(), "--out", file.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).isEqualTo("exported 3 rows of 2 steps to " + file + System.lineSeparator());

        CliRun imported = CliRun.of("results", "import", "--db", dir.resolve("b").toString(), file.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("imported 3 rows (3 new) of 2 steps from " + file + " as run ");
        try (ResultStore target = ResultStore.open(dir.resolve("b"))) {
            assertThat(target.allRows()).containsExactlyElementsOf(stored);
        }
    }

    @Test
    void aBadFileIsAnErrorNamingIt() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"format\": \"something-else\", \"version\": 1}");
        CliRun r = CliRun.of("results", "import", "--db", dir.resolve("db").toString(), file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + file + ": format: expected \"quantbench-results\"");

        CliRun unknownRun = CliRun.of("results", "export", "--db", dir.resolve("db").toString(), "--run", "nope",
                "--out", dir.resolve("out.json").toString());
        assertThat(unknownRun.exit()).isEqualTo(2);
        assertThat(unknownRun.err()).contains("error: no run 'nope'");
        assertThat(dir.resolve("out.json")).doesNotExist();

        CliRun mistyped = CliRun.of("results", "export", "--db", dir.resolve("nowhere").toString(),
                "--out", dir.resolve("out.json").toString());
        assertThat(mistyped.exit()).isEqualTo(2);
        assertThat(mistyped.err()).contains("error: no results database in " + dir.resolve("nowhere"));
        assertThat(dir.resolve("nowhere")).doesNotExist();
    }

    /** A database another process holds (a running `run`, the window) is an error line, not a stack trace. */
    @Test
    void aDatabaseHeldByAnotherProcessIsAnErrorLine() throws Exception {
        Path db = dir.resolve("held");
        try (ResultStoreHolder holder = ResultStoreHolder.hold(db)) {
            CliRun r = CliRun.of("results", "export", "--db", db.toString(), "--out", dir.resolve("out.json").toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: cannot open the results database in " + db
                    + ": it is in use by another QuantBench process").doesNotContain("\tat ");
        }
        assertThat(dir.resolve("out.json")).doesNotExist();
    }
}
