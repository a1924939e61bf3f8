package org.quantbench.workbench.jobs;

import org.quantbench.workbench.run.CancelToken;

import java.time.Duration;

/** What a running job's work gets: its cancel token and a way to report progress and log lines. */
public interface JobContext {
    CancelToken cancel();

    /**
     * @param fraction of the job done, in [0, 1]
     * @param eta      estimated time left, or null when unknown
     */
    void progress(double fraction, Duration eta, String status);

    void log(String line);
}
