package org.quantbench.workbench.jobs;

/** Where a job is: waiting, running, or ended (done, failed, cancelled). */
public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED;

    public boolean ended() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
