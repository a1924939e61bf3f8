package org.quantbench.workbench.jobs;

import org.quantbench.workbench.run.CancelToken;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One job of a {@link JobQueue}: its state, progress, ETA, status line and log (the last {@value #MAX_LOG} lines).
 * Read from any thread; changed only by the queue.
 */
public final class Job {
    static final int MAX_LOG = 2000;

    private final long id;
    private final String name;
    private final JobWork work;
    private final List<String> log = new ArrayList<>();
    private volatile JobState state = JobState.QUEUED;
    private volatile double progress;
    private volatile Duration eta;
    private volatile String status = "queued";
    private volatile String error;
    private volatile Instant started;
    private volatile Instant ended;
    private volatile CancelToken cancel = new CancelToken();

    Job(long id, String name, JobWork work) {
        this.id = id;
        this.name = name;
        this.work = work;
    }

    public long id() { return id; }

    public String name() { return name; }

    public JobState state() { return state; }

    /** Fraction done, in [0, 1]. */
    public double progress() { return progress; }

    /** Estimated time left; null when unknown. */
    public Duration eta() { return eta; }

    public String status() { return status; }

    /** Why it failed (null unless FAILED). */
    public String error() { return error; }

    public Instant started() { return started; }

    public Instant ended() { return ended; }

    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    JobWork work() { return work; }

    CancelToken cancelToken() { return cancel; }

    synchronized void appendLog(String line) {
        if (log.size() == MAX_LOG) {
            log.removeFirst();
        }
        log.add(line);
    }

    void progress(double fraction, Duration eta, String status) {
        this.progress = Math.min(1, Math.max(0, fraction));
        this.eta = eta;
        if (status != null) {
            this.status = status;
        }
    }

    void state(JobState s, String status, String error) {
        this.state = s;
        this.status = status;
        this.error = error;
        if (s == JobState.RUNNING) {
            started = Instant.now();
        } else if (s.ended()) {
            ended = Instant.now();
            eta = null;
        }
    }

    /** Back to queued with a fresh cancel token, progress and error cleared (retry). */
    synchronized void reset() {
        cancel = new CancelToken();
        progress = 0;
        eta = null;
        error = null;
        started = null;
        ended = null;
        state = JobState.QUEUED;
        status = "queued (retry)";
        log.add("--- retry ---");
    }
}
