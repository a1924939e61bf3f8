package org.quantbench.workbench.results;

import java.time.Instant;

/**
 * A run in the history: its config (as JSON) and profile, and how it ended. A run left {@code RUNNING} by a killed
 * process is resumed by the next run of the same config and profile.
 */
public record RunRecord(String id, String name, String profile, String configJson, String configSha256,
                        RunStatus status, Instant started, Instant finished, String note) {
}
