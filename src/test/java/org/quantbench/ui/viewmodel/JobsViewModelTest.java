package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.demo.DemoModel;
import org.quantbench.workbench.jobs.JobQueue;
import org.quantbench.workbench.jobs.JobState;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.run.RowProgress;
import org.quantbench.workbench.table.Row;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs on the built-in demo model (shipped in the app), so it needs no ../shared. */
class JobsViewModelTest {
    @TempDir
    Path dir;

    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final JobQueue queue = new JobQueue();
    private ResultStore store;
    private ModelViewModel model;
    private SchemesViewModel schemes;
    private EvaluationsViewModel evals;
    private CompareViewModel compare;
    private JobsViewModel vm;

    @BeforeEach
    void setUp() {
        Path demo = DemoModel.folder(dir.resolve("demo"));
        store = ResultStore.open(dir.resolve("db"));
        InlineBackground bg = new InlineBackground();
        model = new ModelViewModel(bg, dialogs);
        schemes = new SchemesViewModel(dialogs);
        evals = new EvaluationsViewModel();
        PathVariables paths = new PathVariables(dir, dir.resolve("shared"), () -> demo);
        RunSetupViewModel setup = new RunSetupViewModel(model, schemes, evals, dialogs, paths);
        compare = new CompareViewModel(store, bg, dialogs);
        vm = new JobsViewModel(queue, bg, dialogs, setup, compare, store, new ModelLoading(dir.resolve("cache")), paths);

        model.modelPathProperty().set(demo.resolve(DemoModel.MODEL).toString());
        model.tokenizerPathProperty().set(demo.resolve(DemoModel.TOKENIZER).toString());
        model.labelProperty().set("base = demo");
        evals.textFileProperty().set(demo.resolve(DemoModel.TEXT).toString());
        evals.ctx().textProperty().set("64");
        evals.stride().textProperty().set("64");
        evals.maxWindows().textProperty().set("2");
        evals.throughputProperty().set(false);
        evals.threads().textProperty().set("1");
    }

    @AfterEach
    void tearDown() {
        queue.close();
        store.close();
    }

    private void awaitIdle() throws InterruptedException {
        for (int i = 0; i < 1200 && queue.busy(); i++) {
            Thread.sleep(50);
        }
        assertThat(queue.busy()).as("the queue went idle").isFalse();
    }

    @Test
    void aRunFillsTheCompareTableAndEndsDone() throws InterruptedException {
        schemes.selectOnly(List.of("W8A8-INT", "Q4_0"));
        JobRow job = vm.startRun().orElseThrow();
        awaitIdle();

        assertThat(dialogs.errors).isEmpty();
        assertThat(job.stateProperty().get()).isEqualTo(JobState.DONE);
        assertThat(job.progressProperty().get()).isEqualTo(1.0);
        assertThat(job.logProperty().get()).contains("perplexity");
        assertThat(compare.shownProperty().get().rows()).extracting(Row::label).containsExactly("base = demo", "W8A8-INT", "Q4_0");
        assertThat(compare.shownProperty().get().columns()).anyMatch(c -> c.id().equals("perplexity/perplexity"));
        assertThat(compare.runs()).hasSize(1);
        assertThat(vm.busyProperty().get()).isFalse();
        // per-scheme progress of the run: every row finished, with its time; Q4_0 cannot run on the demo model's
        // 172-wide FFN (not whole 32-weight blocks), so its steps are recorded as failed
        assertThat(job.schemes()).extracting(RowProgress.Row::row).containsExactly("base", "W8A8-INT", "Q4_0");
        assertThat(job.schemes()).allSatisfy(r -> {
            assertThat(r.finished()).isTrue();
            assertThat(JobRow.runningText(r)).isEqualTo("done");
            assertThat(JobRow.leftText(r)).isEmpty();
        });
        assertThat(job.schemes()).extracting(JobRow::stepsText).containsExactly("2/2 steps", "3/3 steps", "3/3 steps, 3 failed");
        assertThat(job.schemes().getFirst().seconds()).isPositive();
    }

    @Test
    void aFailingRunIsShownWithItsReasonAndTheQueueGoesOn() throws InterruptedException, IOException {
        Path junk = Files.write(dir.resolve("junk.bin"), new byte[64]);
        model.modelPathProperty().set(junk.toString());
        model.tokenizerPathProperty().set("");
        JobRow failed = vm.startRun().orElseThrow();
        awaitIdle();
        assertThat(failed.stateProperty().get()).isEqualTo(JobState.FAILED);
        assertThat(dialogs.errors).singleElement().asString().startsWith("Job failed: ").contains("junk.bin");

        vm.retry(failed);
        awaitIdle();
        assertThat(failed.stateProperty().get()).isEqualTo(JobState.FAILED);
        assertThat(dialogs.errors).hasSize(2);
        assertThat(vm.jobs()).hasSize(1);
        vm.clearEnded();
        assertThat(vm.jobs()).isEmpty();
    }

    @Test
    void anInvalidSetupIsRefusedBeforeQueueing() {
        evals.ctx().textProperty().set("x");
        assertThat(vm.startRun()).isEmpty();
        assertThat(dialogs.errors).singleElement().asString().startsWith("Cannot start the run").contains("context");
        assertThat(vm.jobs()).isEmpty();
    }

    @Test
    void closingWithARunningJobAsksAndCancelWorks() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        queue.submit("blocker", ctx -> {
            ctx.progress(0.5, java.time.Duration.ofSeconds(75), "waiting");
            started.countDown();
            while (!ctx.cancel().isCancelled() && !release.await(20, TimeUnit.MILLISECONDS)) {
                ctx.progress(0.5, java.time.Duration.ofSeconds(75), "waiting");
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(vm.busyProperty().get()).isTrue();
        dialogs.answer = false;
        assertThat(vm.confirmClose()).isFalse();
        assertThat(dialogs.questions).singleElement().asString().startsWith("Jobs are still running");
        JobRow row = vm.jobs().getFirst();
        assertThat(row.etaProperty().get()).isEqualTo("1 min 15 s");
        vm.retry(row);
        assertThat(dialogs.errors).singleElement().asString().startsWith("Cannot retry");
        vm.cancel(row);
        awaitIdle();
        assertThat(row.stateProperty().get()).isEqualTo(JobState.CANCELLED);
        assertThat(vm.confirmClose()).isTrue();
    }
}
