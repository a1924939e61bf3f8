package org.quantbench.workbench.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A background queue of jobs, run one at a time by default (jobs compete for the same cores). Jobs can be cancelled
 * (queued: at once; running: cooperatively, through their cancel token) and retried once ended. Listeners are told
 * of every change on the worker thread; a UI hands the calls to its own thread. Toolkit-free.
 */
public final class JobQueue implements AutoCloseable {

    /** Told when a job is added or its state, progress or log changes. */
    @FunctionalInterface
    public interface Listener {
        void changed(Job job);
    }

    private final ExecutorService workers;
    private final List<Job> jobs = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    public JobQueue() {
        this(1);
    }

    public JobQueue(int concurrent) {
        this.workers = Executors.newFixedThreadPool(concurrent, r -> {
            Thread t = new Thread(r, "quantbench-job");
            t.setDaemon(true);
            return t;
        });
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    public Job submit(String name, JobWork work) {
        Job job = new Job(ids.incrementAndGet(), name, work);
        jobs.add(job);
        tell(job);
        schedule(job);
        return job;
    }

    /** Every job, oldest first. */
    public List<Job> jobs() {
        return new ArrayList<>(jobs);
    }

    /** Whether any job is queued or running (e.g. to ask before closing the app). */
    public boolean busy() {
        return jobs.stream().anyMatch(j -> !j.state().ended());
    }

    /** Cancels a queued job at once, a running one cooperatively; an ended job is left as it is. */
    public void cancel(Job job) {
        job.cancelToken().cancel();
        synchronized (job) {
            if (job.state() == JobState.QUEUED) {
                job.state(JobState.CANCELLED, "cancelled before it started", null);
            }
        }
        tell(job);
    }

    /** Queues an ended job again. */
    public void retry(Job job) {
        synchronized (job) {
            if (!job.state().ended()) {
                throw new IllegalStateException("job '" + job.name() + "' is " + job.state().name().toLowerCase() + ", not ended");
            }
            job.reset();
        }
        tell(job);
        schedule(job);
    }

    /** Drops ended jobs from the list. */
    public void clearEnded() {
        jobs.removeIf(j -> j.state().ended());
    }

    private void schedule(Job job) {
        workers.submit(() -> runJob(job));
    }

    private void runJob(Job job) {
        synchronized (job) {
            if (job.state() != JobState.QUEUED) {
                return;  // cancelled while waiting
            }
            job.state(JobState.RUNNING, "running", null);
        }
        tell(job);
        var token = job.cancelToken();
        JobContext context = new JobContext() {
            @Override
            public org.quantbench.workbench.run.CancelToken cancel() {
                return token;
            }

            @Override
            public void progress(double fraction, Duration eta, String status) {
                job.progress(fraction, eta, status);
                tell(job);
            }

            @Override
            public void log(String line) {
                job.appendLog(line);
                tell(job);
            }
        };
        try {
            job.work().run(context);
            if (token.isCancelled()) {
                job.state(JobState.CANCELLED, "cancelled", null);
            } else {
                job.progress(1, null, null);
                job.state(JobState.DONE, "done", null);
            }
        } catch (CancellationException e) {
            job.state(JobState.CANCELLED, "cancelled", null);
        } catch (Exception | Error e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (token.isCancelled()) {
                job.state(JobState.CANCELLED, "cancelled", null);
            } else {
                job.appendLog("failed: " + why);
                job.state(JobState.FAILED, "failed: " + why, why);
            }
        }
        tell(job);
    }

    private void tell(Job job) {
        for (Listener l : listeners) {
            try {
                l.changed(job);
            } catch (RuntimeException e) {
                job.appendLog("a listener failed: " + e);
            }
        }
    }

    /** Cancels every job and waits up to {@code timeout} for the running one to stop. */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        jobs.forEach(this::cancel);
        workers.shutdown();
        return workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            shutdown(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
