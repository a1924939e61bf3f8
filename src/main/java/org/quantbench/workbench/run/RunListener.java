package org.quantbench.workbench.run;

import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.results.RunStatus;

import java.time.Duration;
import java.util.List;

/**
 * What a run tells as it goes, on the thread that executes it (a UI hands the calls over to its own thread). Every
 * method has an empty default.
 */
public interface RunListener {
    RunListener NONE = new RunListener() { };

    /** @param resumed whether an unfinished run of the same config and profile is being continued */
    default void runStarted(RunRecord run, RunPlan plan, boolean resumed) { }

    /** @param index 0-based position in the plan */
    default void stepStarted(PlannedStep step, int index, int total) { }

    /**
     * @param fraction of the step done, in [0, 1]
     * @param eta      estimated time left in the step (null until it can be estimated)
     */
    default void stepProgress(PlannedStep step, double fraction, Duration eta, String line) { }

    /** The step's rows were stored already (a resumed or repeated run); they are linked to this run. */
    default void stepSkipped(PlannedStep step, List<ResultRow> stored) { }

    default void stepFinished(PlannedStep step, List<ResultRow> rows) { }

    default void stepFailed(PlannedStep step, String reason) { }

    default void log(String line) { }

    default void runFinished(RunOutcome outcome) { }
}
