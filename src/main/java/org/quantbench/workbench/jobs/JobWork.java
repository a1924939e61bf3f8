package org.quantbench.workbench.jobs;

/** The body of a job; it checks {@link JobContext#cancel()} often and may throw to fail. */
@FunctionalInterface
public interface JobWork {
    void run(JobContext context) throws Exception;
}
