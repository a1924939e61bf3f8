package org.quantbench.workbench.run;

import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.results.RunStatus;
import org.quantbench.workbench.table.RunResults;

/**
 * How a run ended and what it holds.
 *
 * @param measured steps measured in this run
 * @param skipped  steps found stored (resume)
 * @param failed   steps that failed (recorded with their reason)
 * @param results  the run's rows and failures, for {@link org.quantbench.workbench.table.ComparisonTable#of}
 */
public record RunOutcome(RunRecord run, RunStatus status, int measured, int skipped, int failed, RunResults results) {
}
