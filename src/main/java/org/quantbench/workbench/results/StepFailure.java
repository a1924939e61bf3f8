package org.quantbench.workbench.results;

import java.time.Instant;

/**
 * A step of a run that did not produce its numbers, with the reason (e.g. "not available: GPTQ is being built").
 * Kept apart from the results, so no partial number passes for a result; the next run of the config tries it again.
 */
public record StepFailure(String runId, String scheme, String step, String reason, Instant at) {
}
