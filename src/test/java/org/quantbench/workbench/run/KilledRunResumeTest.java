package org.quantbench.workbench.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.ArrayAlignment;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunStatus;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed with SIGKILL in the middle (a separate JVM running the `run` command), then started again: it resumes
 * the same run, measures only what is missing, and no row is stored twice.
 */
class KilledRunResumeTest {
    @TempDir
    Path dir;

    @Test
    void killedRunResumesWithoutDuplicateRows() throws Exception {
        Path config = DemoRuns.write(dir.resolve("configs"));
        Path db = dir.resolve("db");
        Path cache = dir.resolve("cache");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", ArrayAlignment.JVM_FLAG,
                "-cp", System.getProperty("java.class.path"), "org.quantbench.cli.Main",
                "run", config.toString(), "--profile", "ci", "--db", db.toString(), "--cache", cache.toString(),
                "--out", dir.resolve("out").toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("QUANTBENCH_HOME", dir.resolve("home").toString());
        Process p = pb.start();
        List<String> seen = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                seen.add(line);
                // Killed once the first scheme's quantization is stored, in the middle of the run.
                if (line.startsWith("W8A8-INT") && line.contains("memory")) {
                    p.destroyForcibly();
                    break;
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("output: %s", seen).isNotZero();
        assertThat(seen).anyMatch(l -> l.startsWith("W8A8-INT") && l.contains("memory"));

        RunPlan plan = DemoRuns.plan(dir);
        try (ResultStore store = ResultStore.open(db)) {
            var killed = store.runs();
            assertThat(killed).singleElement().extracting(r -> r.status()).isEqualTo(RunStatus.RUNNING);
            int before = store.rowsOfRun(killed.getFirst().id()).size();
            assertThat(before).isPositive();

            boolean[] resumedFlag = {false};
            RunOutcome resumed = new RunExecutor(store, new ModelLoading(cache)).execute(plan, new RunListener() {
                @Override
                public void runStarted(org.quantbench.workbench.results.RunRecord run, RunPlan plan, boolean resumed) {
                    resumedFlag[0] = resumed;
                }
            }, new CancelToken());
            assertThat(resumedFlag[0]).isTrue();
            assertThat(resumed.run().id()).isEqualTo(killed.getFirst().id());
            assertThat(resumed.status()).isEqualTo(RunStatus.DONE);
            assertThat(resumed.skipped()).isGreaterThanOrEqualTo(4);
            assertThat(resumed.measured() + resumed.skipped()).isEqualTo(11);

            List<ResultRow> rows = store.rowsOfRun(resumed.run().id());
            Set<String> keys = new HashSet<>();
            for (ResultRow r : rows) {
                assertThat(keys.add(r.scheme() + "|" + r.step() + "|" + r.metric())).as("duplicate %s", r).isTrue();
            }
            assertThat(rows.size()).isGreaterThan(before);
            assertThat(store.rowsOfModel(rows.getFirst().modelSha256())).hasSize(rows.size());
            assertThat(store.runs()).hasSize(1);
        }
    }
}
