package org.quantbench.workbench.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobQueueTest {

    private static void await(Job job, JobState state) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (job.state() != state && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(job.state()).as(job.status()).isEqualTo(state);
    }

    @Test
    void runsOneAtATimeReportsProgressAndCancels() throws InterruptedException {
        try (JobQueue queue = new JobQueue()) {
            CountDownLatch started = new CountDownLatch(1);
            Job long_ = queue.submit("long", ctx -> {
                started.countDown();
                for (int i = 0; ; i++) {
                    ctx.cancel().check();
                    ctx.progress(Math.min(0.99, i / 1000.0), Duration.ofSeconds(5), "step " + i);
                    Thread.sleep(1);
                }
            });
            Job second = queue.submit("second", ctx -> ctx.log("ran"));
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(second.state()).isEqualTo(JobState.QUEUED);
            assertThat(queue.busy()).isTrue();
            queue.cancel(long_);
            await(long_, JobState.CANCELLED);
            await(second, JobState.DONE);
            assertThat(second.log()).containsExactly("ran");
            assertThat(second.progress()).isEqualTo(1.0);
            assertThat(queue.busy()).isFalse();
        }
    }

    @Test
    void aFailedJobKeepsItsReasonAndCanBeRetried() throws InterruptedException {
        try (JobQueue queue = new JobQueue()) {
            AtomicInteger attempts = new AtomicInteger();
            Job job = queue.submit("flaky", ctx -> {
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("disk full");
                }
            });
            await(job, JobState.FAILED);
            assertThat(job.error()).isEqualTo("disk full");
            assertThat(job.log()).contains("failed: disk full");
            queue.retry(job);
            await(job, JobState.DONE);
            assertThat(attempts.get()).isEqualTo(2);
            assertThat(job.error()).isNull();
        }
    }

    @Test
    void aQueuedJobCancelsAtOnceAndRunningJobsCannotBeRetried() throws InterruptedException {
        try (JobQueue queue = new JobQueue()) {
            CountDownLatch release = new CountDownLatch(1);
            Job blocker = queue.submit("blocker", ctx -> release.await());
            Job waiting = queue.submit("waiting", ctx -> { });
            queue.cancel(waiting);
            assertThat(waiting.state()).isEqualTo(JobState.CANCELLED);
            await(blocker, JobState.RUNNING);
            assertThatThrownBy(() -> queue.retry(blocker)).isInstanceOf(IllegalStateException.class);
            release.countDown();
            await(blocker, JobState.DONE);
            assertThat(waiting.state()).isEqualTo(JobState.CANCELLED);
        }
    }
}
