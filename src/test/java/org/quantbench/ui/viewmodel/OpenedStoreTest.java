package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.ResultStoreHolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        try (ResultStoreHolder holder = ResultStoreHolder.hold(results);
             OpenedStore opened = OpenedStore.open(results)) {
            assertThat(opened.problem()).get().asString()
                    .contains("in use by another QuantBench process").contains("History is disabled");
            assertThat(opened.store().runs()).isEmpty();
        }
    }
}
