package org.quantbench.ui.viewmodel;

import org.quantbench.workbench.results.ResultStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The results database of the window. When the user's database cannot be opened (another QuantBench process holds
 * it, the folder is read-only) the window must still open: runs then go to a database in a temporary folder that is
 * deleted on close, so jobs and the Compare table work but nothing is kept, and {@link #problem()} says why.
 */
public final class OpenedStore implements AutoCloseable {
    private final ResultStore store;
    private final String problem;
    private final Path sessionDir;

    private OpenedStore(ResultStore store, String problem, Path sessionDir) {
        this.store = store;
        this.problem = problem;
        this.sessionDir = sessionDir;
    }

    /** The database in {@code dir}, or a session-only one with the reason the real one could not be opened. */
    public static OpenedStore open(Path dir) {
        try {
            return new OpenedStore(ResultStore.open(dir), null, null);
        } catch (RuntimeException e) {
            Path session;
            try {
                session = Files.createTempDirectory("quantbench-session-");
            } catch (IOException io) {
                throw new UncheckedIOException("cannot open the results database (" + ModelViewModel.reason(e)
                        + ") nor a temporary one: " + io.getMessage(), io);
            }
            String why = ModelViewModel.reason(e) + ".\n\nHistory is disabled for this session: runs work, but their "
                    + "results are kept only until the window closes. Close the other QuantBench window (or fix the "
                    + "folder) and restart to get the history back.";
            return new OpenedStore(ResultStore.open(session), why, session);
        }
    }

    public ResultStore store() { return store; }

    /** Why the user's database is not in use, or empty when it is. */
    public Optional<String> problem() { return Optional.ofNullable(problem); }

    /** Closes the database and deletes a session-only one. */
    @Override
    public void close() {
        store.close();
        if (sessionDir != null) {
            try (Stream<Path> files = Files.walk(sessionDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // A leftover temporary folder is harmless; the OS cleans it.
            }
        }
    }
}
