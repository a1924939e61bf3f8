package org.quantbench.ui.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.RunConfig;
import org.quantbench.workbench.jobs.Job;
import org.quantbench.workbench.jobs.JobQueue;
import org.quantbench.workbench.jobs.JobState;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.run.PlannedStep;
import org.quantbench.workbench.run.RowProgress;
import org.quantbench.workbench.run.RunExecutor;
import org.quantbench.workbench.run.RunJobs;
import org.quantbench.workbench.run.RunListener;
import org.quantbench.workbench.run.RunOutcome;
import org.quantbench.workbench.run.RunPlan;
import org.quantbench.workbench.table.ComparisonTable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Jobs view: runs launched from the setup go to a background {@link JobQueue}; each shows its progress, ETA,
 * status and log, and can be cancelled or retried. As a run stores each result, the Compare table fills. A failed job
 * is shown in a dialog with its reason; other jobs and stored results are untouched.
 */
public final class JobsViewModel {
    /** A running step's progress redraws the per-scheme table at most this often. */
    private static final long PROGRESS_EVERY_NANOS = 500_000_000L;

    private final JobQueue queue;
    private final Background background;
    private final Dialogs dialogs;
    private final RunSetupViewModel setup;
    private final CompareViewModel compare;
    private final ResultStore store;
    private final ModelLoading loading;
    private final PathVariables paths;
    /** Rows report a change of state as a list change, so bindings over "the selected job has ended" update. */
    private final ObservableList<JobRow> jobs = FXCollections.observableArrayList(r -> new javafx.beans.Observable[] {r.stateProperty()});
    private final Map<Long, JobRow> rows = new HashMap<>();
    private final BooleanProperty busy = new SimpleBooleanProperty();

    public JobsViewModel(JobQueue queue, Background background, Dialogs dialogs, RunSetupViewModel setup,
                         CompareViewModel compare, ResultStore store, ModelLoading loading, PathVariables paths) {
        this.queue = queue;
        this.background = background;
        this.dialogs = dialogs;
        this.setup = setup;
        this.compare = compare;
        this.store = store;
        this.loading = loading;
        this.paths = paths;
        queue.addListener(job -> background.onUi(() -> changed(job)));
    }

    private void changed(Job job) {
        JobRow row = rowOf(job);
        JobState before = row.stateProperty().get();
        row.update();
        busy.set(queue.busy());
        if (job.state() == JobState.FAILED && before != JobState.FAILED) {
            dialogs.error("Job failed: " + job.name(), job.error());
        }
    }

    /** The job's row, made on first sight (the queue's first event and {@link #startRun} may come in either order). */
    private JobRow rowOf(Job job) {
        synchronized (rows) {
            JobRow row = rows.get(job.id());
            if (row == null) {
                row = new JobRow(job);
                rows.put(job.id(), row);
                jobs.add(row);
            }
            return row;
        }
    }

    /**
     * Queues the setup as a run (the profile chosen in the setup applied); the Compare table shows it as it fills.
     *
     * @return the queued job, or empty when the setup is not a valid run (the reason is shown)
     */
    public Optional<JobRow> startRun() {
        RunPlan plan;
        try {
            RunConfig config = setup.toConfig();
            String profile = setup.profileProperty().get();
            plan = RunPlan.of(config, profile == null || profile.isBlank() ? null : profile.strip(), paths);
        } catch (RuntimeException e) {
            dialogs.error("Cannot start the run", ModelViewModel.reason(e));
            return Optional.empty();
        }
        RunExecutor executor = new RunExecutor(store, loading);
        RowProgress progress = new RowProgress(plan);
        AtomicReference<JobRow> target = new AtomicReference<>();
        RunListener live = new RunListener() {
            private RunRecord run;
            private long shown;

            @Override
            public void runFinished(RunOutcome outcome) {
                showProgress();
            }

            @Override
            public void stepStarted(PlannedStep step, int index, int total) {
                showProgress();
            }

            @Override
            public void stepProgress(PlannedStep step, double fraction, java.time.Duration eta, String line) {
                long now = System.nanoTime();
                if (now - shown > PROGRESS_EVERY_NANOS) {
                    shown = now;
                    showProgress();
                }
            }

            /** The per-scheme table of the job, copied on the UI thread (once the job's row exists). */
            private void showProgress() {
                List<RowProgress.Row> snapshot = progress.snapshot();
                background.onUi(() -> {
                    JobRow row = target.get();
                    if (row != null) {
                        row.schemes().setAll(snapshot);
                    }
                });
            }

            @Override
            public void runStarted(RunRecord r, RunPlan p, boolean resumed) {
                run = r;
                publish();
            }

            @Override
            public void stepFinished(PlannedStep step, List<ResultRow> rows) {
                publish();
            }

            @Override
            public void stepSkipped(PlannedStep step, List<ResultRow> stored) {
                publish();
            }

            @Override
            public void stepFailed(PlannedStep step, String reason) {
                publish();
            }

            /** Reads the run's stored rows on the worker and hands the table to the UI. */
            private void publish() {
                showProgress();
                ComparisonTable table = ComparisonTable.of(executor.results(plan, run));
                background.onUi(() -> compare.showLive(table));
            }
        };
        Job job = queue.submit(plan.config().name() + (plan.profile() == null ? "" : " (" + plan.profile() + ")"),
                RunJobs.of(executor, plan, progress, live, outcome -> background.onUi(() -> {
                    compare.showLive(ComparisonTable.of(outcome.results()));
                    compare.refresh();
                })));
        JobRow row = rowOf(job);
        target.set(row);
        row.schemes().setAll(progress.snapshot());
        return Optional.of(row);
    }

    public void cancel(JobRow row) {
        queue.cancel(row.job());
    }

    public void retry(JobRow row) {
        if (!row.stateProperty().get().ended()) {
            dialogs.error("Cannot retry", row.nameProperty().get() + " has not ended yet.");
            return;
        }
        queue.retry(row.job());
    }

    /** Drops ended jobs from the list (their results stay in the database). */
    public void clearEnded() {
        queue.clearEnded();
        jobs.removeIf(r -> r.stateProperty().get().ended());
        rows.values().removeIf(r -> r.stateProperty().get().ended());
    }

    /** Whether the app may close: yes when idle, else the user is asked (running jobs are cancelled). */
    public boolean confirmClose() {
        if (!queue.busy()) {
            return true;
        }
        long running = queue.jobs().stream().filter(j -> !j.state().ended()).count();
        return dialogs.confirm("Jobs are still running", running + " job(s) are queued or running. Quit anyway? "
                + "Finished steps are stored; running the same config again continues where it stopped.");
    }

    public ObservableList<JobRow> jobs() { return jobs; }

    /** Whether any job is queued or running. */
    public BooleanProperty busyProperty() { return busy; }
}
