package org.quantbench.cli;

import org.quantbench.workbench.WorkbenchDirs;
import org.quantbench.workbench.results.ResultExchange;
import org.quantbench.workbench.results.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "results", description = {
        "Move stored results between results databases, e.g. to continue a long run",
        "on another machine: export writes them to a JSON file, import stores such a",
        "file under a new run. The next run of the same config finds the imported",
        "steps stored and measures only what is missing."},
        subcommands = {ResultsCommand.Export.class, ResultsCommand.Import.class})
final class ResultsCommand {

    /** The database both subcommands work on, found as {@code run} finds it. */
    static final class Database {
        @Option(names = "--db", paramLabel = "DIR", description = "Results database folder (default: $QUANTBENCH_HOME/results or ~/.quantbench/results).")
        Path dir;

        ResultStore open() {
            return ResultStore.open(folder());
        }

        /** For reading: a mistyped folder must not turn into an empty database and an empty export. */
        ResultStore openExisting() {
            Path folder = folder();
            if (!ResultStore.exists(folder)) {
                throw new IllegalArgumentException("no results database in " + folder);
            }
            return ResultStore.open(folder);
        }

        private Path folder() {
            return dir != null ? dir : WorkbenchDirs.defaults().results();
        }
    }

    @Command(name = "export", description = "Write every stored result, or one run's, to a JSON file.")
    static final class Export implements Callable<Integer> {
        @Mixin
        Database db;

        @Option(names = "--run", paramLabel = "ID", description = "Only the results of this run (default: all).")
        String run;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The JSON file to write.")
        Path out;

        @Override
        public Integer call() {
            try (ResultStore store = db.openExisting()) {
                ResultExchange.ExportSummary s = ResultExchange.export(store, Optional.ofNullable(run), out);
                System.out.printf("exported %d rows of %d steps to %s%n", s.rows(), s.steps(), out);
                return 0;
            }
        }
    }

    @Command(name = "import", description = {
            "Store the results of an exported JSON file under a new run. A result stored",
            "already (same model, scheme, step, metric, definition and data) is the same",
            "measurement: it is linked to the new run, never stored twice."})
    static final class Import implements Callable<Integer> {
        @Mixin
        Database db;

        @Parameters(index = "0", paramLabel = "FILE", description = "A file written by 'results export'.")
        Path file;

        @Override
        public Integer call() {
            try (ResultStore store = db.open()) {
                ResultExchange.ImportSummary s = ResultExchange.importFile(store, file);
                System.out.printf("imported %d rows (%d new) of %d steps from %s as run %s%n", s.rows(), s.newRows(),
                        s.steps(), file, s.runId());
                return 0;
            }
        }
    }
}
