package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.workbench.results.ResultStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OpenedStoreTest {
    @TempDir
    Path dir;

    @Test
    void theUsersDatabaseWhenItOpens() {
        try (OpenedStore opened = OpenedStore.open(dir.resolve("results"))) {
            assertThat(opened.problem()).isEmpty();
            assertThat(opened.store().dir()).isEqualTo(dir.resolve("results"));
        }
    }

    @Test
    void aFolderThatCannotBeMadeGivesASessionStoreAndTheReason() throws IOException {
        Path blocker = Files.writeString(dir.resolve("home"), "a file where the folder should be");
        Path session;
        try (OpenedStore opened = OpenedStore.open(blocker.resolve("results"))) {
            assertThat(opened.problem()).get().asString().contains("cannot create").contains("History is disabled");
            assertThat(opened.store().runs()).isEmpty();
            session = opened.store().dir();
            assertThat(session).isNotEqualTo(blocker.resolve("results")).exists();
        }
        assertThat(session).doesNotExist();
    }

    /** Another QuantBench process (a second JVM) holds the database: the window's store says so and still works. */
    @Test
    void aDatabaseLockedByAnotherProcessIsReportedAsSuch() throws Exception {
        Path results = dir.resolve("results");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldResultStore.class.getName(), results.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("holding")) {
                // JVM warnings before the signal
            }
            assertThat(line).as("the holder process opened the database").isEqualTo("holding");
            try (OpenedStore opened = OpenedStore.open(results)) {
                assertThat(opened.problem()).get().asString()
                        .contains("in use by another QuantBench process").contains("History is disabled");
                assertThat(opened.store().runs()).isEmpty();
            }
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(20, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
    }

    /** Opens a results database, says "holding", and keeps it open until its input closes. */
    public static final class HoldResultStore {
        public static void main(String[] args) throws IOException {
            try (ResultStore store = ResultStore.open(Path.of(args[0]))) {
                System.out.println("holding");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the test to close our input
                }
            }
        }
    }
}
