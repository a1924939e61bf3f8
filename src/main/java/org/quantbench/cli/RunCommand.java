package org.quantbench.cli;

import org.quantbench.tensor.probe.MachineInfo;
import org.quantbench.workbench.WorkbenchDirs;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.RunConfig;
import org.quantbench.workbench.config.RunConfigFile;
import org.quantbench.workbench.demo.DemoModel;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.report.ChartFormat;
import org.quantbench.workbench.report.ReportFiles;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.results.RunStatus;
import org.quantbench.workbench.run.CancelToken;
import org.quantbench.workbench.run.PlannedStep;
import org.quantbench.workbench.run.RunExecutor;
import org.quantbench.workbench.run.RunListener;
import org.quantbench.workbench.run.RunOutcome;
import org.quantbench.workbench.run.RunPlan;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.MetricColumns;
import org.quantbench.workbench.table.RunExports;
import org.quantbench.workbench.table.TableExports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "run", description = {
        "Run a comparison config (sample-configs/*.json; schema in docs/run-config.md): the base and every scheme, each",
        "metric stored in the results database as soon as it is measured. Running it again (or after a crash) continues",
        "where it stopped: stored results are reused, never measured twice. Prints each number as it comes, then the",
        "table; writes table.csv, table.md, table.json and lm-eval/<row>.json into the output folder."})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "The run config (JSON).")
    Path config;

    @Option(names = "--profile", paramLabel = "NAME", description = "Apply the config's profile NAME (e.g. quick, full, ci).")
    String profile;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: the config's output, else results/<name>).")
    Path out;

    @Option(names = "--db", paramLabel = "DIR", description = "Results database folder (default: $QUANTBENCH_HOME/results or ~/.quantbench/results).")
    Path db;

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache of quantized models and base logits (default: $QUANTBENCH_CACHE or ~/.cache/quantbench).")
    Path cache;

    @Override
    public Integer call() throws IOException {
        Instant startedAt = Instant.now();
        WorkbenchDirs dirs = WorkbenchDirs.defaults();
        PathVariables paths = new PathVariables(RunConfigFile.dirOf(config), PathVariables.defaultShared(),
                () -> DemoModel.folder(dirs.demo()));
        RunConfig raw = RunConfigFile.read(config, paths);
        RunPlan plan = RunPlan.of(raw, profile, paths);
        Path output = out != null ? out : Path.of(plan.config().output());
        ModelLoading loading = cache != null ? new ModelLoading(cache) : ModelLoading.withDefaultCache();
        try (ResultStore store = ResultStore.open(db != null ? db : dirs.results())) {
            RunOutcome outcome = new RunExecutor(store, loading).execute(plan, new Printer(), new CancelToken());
            ComparisonTable table = ComparisonTable.of(outcome.results());
            System.out.println();
            System.out.print(TableExports.markdown(table.filterColumns(c -> !c.metric().equals("wall_seconds"))));
            List<Path> files = new java.util.ArrayList<>(RunExports.writeAll(outcome.results(), output));
            files.addAll(ReportFiles.write(table, outcome.results().rows(), reportNotes(plan, startedAt), output,
                    EnumSet.of(ChartFormat.PNG, ChartFormat.SVG), CHART_WIDTH, CHART_HEIGHT));
            System.out.println();
            files.forEach(f -> System.out.println("wrote " + f.toAbsolutePath()));
            System.out.printf("run %s: %s; %d step(s) measured, %d found stored, %d failed%n", outcome.run().id(),
                    outcome.status().name().toLowerCase(Locale.ROOT), outcome.measured(), outcome.skipped(), outcome.failed());
            return outcome.status() == RunStatus.DONE ? 0 : 1;
        }
    }

    private static final int CHART_WIDTH = 960;
    private static final int CHART_HEIGHT = 540;

    /** The report's header: what ran, where, when and for how long. */
    private List<String> reportNotes(RunPlan plan, Instant startedAt) {
        MachineInfo m = MachineInfo.current();
        return List.of("quantbench run " + config + (profile != null ? " --profile " + profile : ""),
                "machine: " + m.cpuModel() + ", " + m.cores() + " cores, " + m.vectors() + ", " + m.jdk()
                        + ", " + m.os() + "; " + (plan.config().threads() != null ? plan.config().threads() + " threads" : "all cores"),
                "started " + startedAt + ", wall time " + Duration.between(startedAt, Instant.now()).toSeconds() + " s");
    }

    /** Prints each number as it is stored, and progress now and then on stderr. */
    private static final class Printer implements RunListener {
        private long lastProgress;

        @Override
        public void runStarted(RunRecord run, RunPlan plan, boolean resumed) {
            System.out.printf("%s run %s of '%s'%s: %d steps over %d rows%n", resumed ? "resuming" : "starting", run.id(),
                    run.name(), plan.profile() == null ? "" : " (profile " + plan.profile() + ")", plan.steps().size(),
                    plan.rowOrder().size());
        }

        @Override
        public void stepProgress(PlannedStep step, double fraction, Duration eta, String line) {
            long now = System.nanoTime();
            if (now - lastProgress > 5_000_000_000L) {
                lastProgress = now;
                System.err.printf("  %s: %.0f%%%s, %s%n", step.describe(), 100 * fraction,
                        eta == null ? "" : ", about " + eta.toSeconds() + " s left", line);
            }
        }

        @Override
        public void stepSkipped(PlannedStep step, List<ResultRow> stored) {
            print(step, stored, "(stored)");
        }

        @Override
        public void stepFinished(PlannedStep step, List<ResultRow> rows) {
            print(step, rows, String.format(Locale.ROOT, "(%.1f s)", rows.isEmpty() ? 0 : rows.getFirst().seconds()));
        }

        @Override
        public void stepFailed(PlannedStep step, String reason) {
            System.out.printf("%-28s %-22s FAILED: %s%n", step.scheme(), step.step(), reason);
        }

        @Override
        public void log(String line) {
            System.err.println("  " + line);
        }

        private static void print(PlannedStep step, List<ResultRow> rows, String tail) {
            StringBuilder line = new StringBuilder(String.format("%-28s %-22s", step.scheme(), step.step()));
            for (ResultRow r : rows) {
                if (r.metric().equals("wall_seconds")) {
                    continue;
                }
                var column = MetricColumns.of(r.step(), r.metric());
                line.append("  ").append(column.label()).append(' ').append(TableExports.format(r.value(), column));
                if (r.stderr() != null) {
                    line.append(" ± ").append(TableExports.format(r.stderr(), column));
                }
            }
            System.out.println(line.append("  ").append(tail));
        }
    }
}
