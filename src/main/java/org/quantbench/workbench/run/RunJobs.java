package org.quantbench.workbench.run;

import org.quantbench.workbench.jobs.JobContext;
import org.quantbench.workbench.jobs.JobWork;
import org.quantbench.workbench.results.ResultRow;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** A run as a {@link org.quantbench.workbench.jobs.JobQueue} job: progress over the whole plan, ETA, a log line per step. */
public final class RunJobs {
    private RunJobs() {}

    /**
     * @param rows     told every step event before the listener; its whole-run estimate becomes the job's ETA once
     *                 it has one (before that, the elapsed time scaled by the share of steps done)
     * @param listener also told everything (e.g. a view model that fills its table), may be {@link RunListener#NONE}
     * @param finished told the outcome when the run ends (cancelled and failed runs too)
     */
    public static JobWork of(RunExecutor executor, RunPlan plan, RowProgress rows, RunListener listener,
                             Consumer<RunOutcome> finished) {
        return context -> {
            RunOutcome outcome = executor.execute(plan, new Forwarding(context, rows, listener, plan.steps().size()),
                    context.cancel());
            finished.accept(outcome);
            if (outcome.status() == org.quantbench.workbench.results.RunStatus.FAILED) {
                throw new IllegalStateException(outcome.run().note());
            }
        };
    }

    /** Maps step events to job progress (each step an equal share) and log lines, and forwards them. */
    private static final class Forwarding implements RunListener {
        private final JobContext job;
        private final RowProgress rows;
        private final RunListener next;
        private final int total;
        private final long start = System.nanoTime();
        private int index;

        Forwarding(JobContext job, RowProgress rows, RunListener next, int total) {
            this.job = job;
            this.rows = rows;
            this.next = next;
            this.total = total;
        }

        @Override
        public void runStarted(org.quantbench.workbench.results.RunRecord run, RunPlan plan, boolean resumed) {
            rows.runStarted(run, plan, resumed);
            job.log((resumed ? "resuming run " : "run ") + run.id());
            next.runStarted(run, plan, resumed);
        }

        @Override
        public void stepStarted(PlannedStep step, int index, int total) {
            this.index = index;
            rows.stepStarted(step, index, total);
            report(0, step.describe());
            next.stepStarted(step, index, total);
        }

        @Override
        public void stepProgress(PlannedStep step, double fraction, Duration eta, String line) {
            rows.stepProgress(step, fraction, eta, line);
            report(fraction, step.describe() + ": " + line);
            next.stepProgress(step, fraction, eta, line);
        }

        @Override
        public void stepSkipped(PlannedStep step, List<ResultRow> stored) {
            rows.stepSkipped(step, stored);
            job.log(step.describe() + ": stored already");
            next.stepSkipped(step, stored);
        }

        @Override
        public void stepFinished(PlannedStep step, List<ResultRow> stored) {
            rows.stepFinished(step, stored);
            job.log(String.format("%s: done in %.1f s", step.describe(), stored.isEmpty() ? 0 : stored.getFirst().seconds()));
            next.stepFinished(step, stored);
        }

        @Override
        public void stepFailed(PlannedStep step, String reason) {
            rows.stepFailed(step, reason);
            job.log(step.describe() + ": failed: " + reason);
            next.stepFailed(step, reason);
        }

        @Override
        public void log(String line) {
            job.log(line);
            next.log(line);
        }

        @Override
        public void runFinished(RunOutcome outcome) {
            next.runFinished(outcome);
        }

        /** Whole-run ETA: the per-step estimate of {@link RowProgress}, else the time so far scaled by steps done. */
        private void report(double stepFraction, String status) {
            double done = (index + stepFraction) / Math.max(total, 1);
            double elapsed = (System.nanoTime() - start) / 1e9;
            Duration eta = rows.runEta();
            if (eta == null && done > 0.02) {
                eta = Duration.ofMillis((long) (1000 * elapsed * (1 - done) / done));
            }
            job.progress(done, eta, status);
        }
    }
}
