package org.quantbench.workbench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.eval.results.DataFile;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.CheckpointLoader;
import org.quantbench.model.ModelFingerprint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.SoftwareVersion;
import org.quantbench.workbench.config.RunConfig;
import org.quantbench.workbench.config.RunConfigFile;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.measure.ProcessMemory;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.results.RunStatus;
import org.quantbench.workbench.results.StepKey;
import org.quantbench.workbench.table.RunResults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Executes a {@link RunPlan} on the calling thread (a job queue or the CLI decides which thread that is): each step
 * whose rows are stored already is skipped and linked to the run (so a killed run, started again, continues where
 * it stopped); each measured step's rows are stored at once, in one transaction; a failing step is recorded with its
 * reason and the run goes on, and a scheme the engine cannot run is reported "not available: reason" on every step.
 * Cancel is cooperative (between windows, items, linears and steps).
 */
public final class RunExecutor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResultStore store;
    private final ModelLoading loading;
    private final Map<StepKind, Measurement> measurements = new EnumMap<>(StepKind.class);

    /** @param loading the quantized-model cache; it must have a cache root (base logits of KLD live there too) */
    public RunExecutor(ResultStore store, ModelLoading loading) {
        if (loading.cacheRoot() == null) {
            throw new IllegalArgumentException("a run needs a cache folder for quantized models and base logits");
        }
        this.store = store;
        this.loading = loading;
        measurements.put(StepKind.MEMORY, new MemoryMeasurement());
        measurements.put(StepKind.PERPLEXITY, new PerplexityMeasurement());
        measurements.put(StepKind.KLD, new KldMeasurement());
        measurements.put(StepKind.TASK, new TaskMeasurement());
        measurements.put(StepKind.THROUGHPUT, new ThroughputMeasurement());
    }

    public RunOutcome execute(RunPlan plan, RunListener listener, CancelToken cancel) {
        RunConfig config = plan.config();
        String configJson = RunConfigFile.toJson(config);
        RunRecord run = store.unfinishedRun(configJson, plan.profile()).orElse(null);
        boolean resumed = run != null;
        if (resumed) {
            store.reopenRun(run.id());
        } else {
            run = store.createRun(config.name(), plan.profile(), configJson);
        }
        listener.runStarted(run, plan, resumed);
        int[] counts = new int[3];  // measured, skipped, failed
        RunStatus status = RunStatus.DONE;
        String note = null;
        try {
            executeSteps(plan, run, listener, cancel, counts);
        } catch (CancellationException e) {
            status = RunStatus.CANCELLED;
            note = "cancelled";
        } catch (RuntimeException e) {
            status = RunStatus.FAILED;
            note = e.getMessage() == null ? e.toString() : e.getMessage();
            listener.log("run failed: " + note);
        }
        if (status == RunStatus.DONE && counts[2] > 0) {
            note = counts[2] + " step(s) failed";
        }
        store.finishRun(run.id(), status, note);
        RunRecord finished = store.run(run.id()).orElse(run);
        RunOutcome outcome = new RunOutcome(finished, status, counts[0], counts[1], counts[2], results(plan, finished));
        listener.runFinished(outcome);
        return outcome;
    }

    /** The stored rows and failures of a run, with the plan's row order and base label. */
    public RunResults results(RunPlan plan, RunRecord run) {
        return new RunResults(run.id(), run.name(), plan.config().model().label(), plan.rowOrder(),
                store.rowsOfRun(run.id()), store.failuresOfRun(run.id()));
    }

    private void executeSteps(RunPlan plan, RunRecord run, RunListener listener, CancelToken cancel, int[] counts) {
        RunConfig config = plan.config();
        Path modelPath = plan.paths().resolve(config.model().path());
        Path tokenizerPath = config.model().tokenizer() == null ? null : plan.paths().resolve(config.model().tokenizer());
        int threads = config.threads() != null ? config.threads() : Runtime.getRuntime().availableProcessors();
        try (Checkpoint ckpt = CheckpointLoader.open(modelPath, tokenizerPath); ComputePool pool = new ComputePool(threads)) {
            Tokenizer tokenizer = ckpt.tokenizer().orElseThrow(() -> new IllegalArgumentException(
                    modelPath + " carries no tokenizer: give model.tokenizer in the config"));
            listener.log("hashing " + modelPath);
            String sha = loading.sha256(ckpt);
            String tokSha = tokenizerPath == null ? null : hash(tokenizerPath);
            RunContext ctx = new RunContext(plan, ckpt, tokenizer, sha, tokSha, pool, loading,
                    loading.baseLogitsDir(), cancel);
            List<PlannedStep> steps = plan.steps();
            int i = 0;
            while (i < steps.size()) {
                int end = i;
                while (end < steps.size() && steps.get(end).scheme().equals(steps.get(i).scheme())) {
                    end++;
                }
                executeRow(ctx, run, steps.subList(i, end), i, steps.size(), listener, counts);
                i = end;
            }
        }
    }

    /** The steps of one row (base or one scheme), sharing one loaded model. */
    private void executeRow(RunContext ctx, RunRecord run, List<PlannedStep> steps, int first, int total,
                            RunListener listener, int[] counts) {
        PlannedStep head = steps.getFirst();
        String unavailable = head.parsed() == null ? null
                : head.parsed().unavailableReason().map(r -> "not available: " + r).orElse(null);
        String rowFailure = unavailable;
        try (SchemeModel model = new SchemeModel(ctx, head.parsed())) {
            for (int k = 0; k < steps.size(); k++) {
                PlannedStep step = steps.get(k);
                ctx.cancel.check();
                listener.stepStarted(step, first + k, total);
                if (rowFailure != null) {
                    fail(run, step, rowFailure, listener, counts);
                    continue;
                }
                try {
                    Measurement.Prepared prepared = measurements.get(step.kind()).prepare(ctx, step);
                    String dataSha = dataSha256(prepared.data());
                    StepKey key = StepKey.of(ctx.modelSha256, step.scheme(), step.step(), prepared.definition(), dataSha);
                    List<ResultRow> stored = store.stepRows(key);
                    if (!stored.isEmpty()) {
                        store.saveStep(run.id(), stored);
                        counts[1]++;
                        listener.stepSkipped(step, stored);
                        continue;
                    }
                    List<ResultRow> rows = measure(ctx, run, step, model, prepared, dataSha, listener);
                    store.saveStep(run.id(), rows);
                    counts[0]++;
                    listener.stepFinished(step, rows);
                } catch (CancellationException e) {
                    throw e;
                } catch (RuntimeException | OutOfMemoryError e) {
                    if (ctx.cancel.isCancelled()) {
                        throw new CancellationException("cancelled");
                    }
                    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                    fail(run, step, reason, listener, counts);
                    if (step.kind() == StepKind.MEMORY) {
                        // Without a model no other step of the row can run: they fail with the same reason.
                        rowFailure = reason;
                    }
                }
            }
        }
    }

    private void fail(RunRecord run, PlannedStep step, String reason, RunListener listener, int[] counts) {
        store.saveFailure(run.id(), step.scheme(), step.step(), reason);
        counts[2]++;
        listener.stepFailed(step, reason);
    }

    private List<ResultRow> measure(RunContext ctx, RunRecord run, PlannedStep step, SchemeModel model,
                                    Measurement.Prepared prepared, String dataSha, RunListener listener) {
        boolean peakReset = ProcessMemory.resetPeak();
        long t0 = System.nanoTime();
        Instant started = Instant.now();
        Measurement.Measured m = prepared.work().run(model, (fraction, line) -> {
            ctx.cancel.check();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Duration eta = fraction > 0.02 ? Duration.ofMillis((long) (1000 * elapsed * (1 - fraction) / fraction)) : null;
            listener.stepProgress(step, Math.min(1, Math.max(0, fraction)), eta, line);
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        ObjectNode provenance = provenance(ctx, run, step, prepared, m, started);
        if (peakReset) {
            ProcessMemory.peakRssBytes().ifPresent(b -> provenance.put("peak_rss_bytes", b));
        }
        List<Measurement.Value> values = new ArrayList<>(m.values());
        if (step.kind() == StepKind.MEMORY && provenance.has("peak_rss_bytes")) {
            values.add(new Measurement.Value("peak_rss_bytes", provenance.get("peak_rss_bytes").asDouble(), null, null));
        }
        values.add(new Measurement.Value("wall_seconds", seconds, null, null));
        var schemeJson = step.parsed() == null ? null : JSON.valueToTree(step.parsed());
        Instant now = Instant.now();
        List<ResultRow> rows = new ArrayList<>();
        for (Measurement.Value v : values) {
            rows.add(new ResultRow(ctx.modelSha256, ctx.checkpoint.source().toString(), step.scheme(), schemeJson,
                    step.step(), v.metric(), v.value(), v.stderr(), prepared.definition(), dataSha, m.items(), v.extra(),
                    provenance, seconds, m.computePath(), run.id(), now));
        }
        return rows;
    }

    private static ObjectNode provenance(RunContext ctx, RunRecord run, PlannedStep step, Measurement.Prepared prepared,
                                         Measurement.Measured m, Instant started) {
        RunConfig c = ctx.config;
        ObjectNode p = JSON.createObjectNode();
        p.put("software_version", SoftwareVersion.VERSION);
        p.put("model_path", ctx.checkpoint.source().toString());
        p.put("model_sha256", ctx.modelSha256);
        p.put("model_label", c.model().label());
        if (ctx.tokenizerSha256 != null) {
            p.put("tokenizer_sha256", ctx.tokenizerSha256);
        }
        p.put("scheme", step.scheme());
        p.put("lm_head_quantized", step.parsed() != null && c.quantizeLmHead());
        p.put("threads", ctx.pool.threads());
        p.put("seed", c.seed());
        p.put("config", c.name());
        if (run.profile() != null) {
            p.put("profile", run.profile());
        }
        p.put("run_id", run.id());
        p.put("definition", prepared.definition());
        p.set("data", JSON.valueToTree(prepared.data()));
        p.put("items", m.items());
        p.put("compute_path", m.computePath());
        p.put("started", started.toString());
        if (c.calibration() != null && step.parsed() != null && step.parsed().needsCalibration()) {
            p.set("calibration", JSON.valueToTree(c.calibration()));
        }
        p.setAll(m.detail());
        return p;
    }

    /** One hash over the data files (their own SHA-256s in order); "" when the step reads none. */
    static String dataSha256(List<DataFile> data) {
        if (data.isEmpty()) {
            return "";
        }
        if (data.size() == 1) {
            return data.getFirst().sha256();
        }
        StringBuilder all = new StringBuilder();
        data.forEach(d -> all.append(d.sha256()).append('\n'));
        return StepKey.sha256(all.toString());
    }

    private static String hash(Path file) {
        try {
            return Files.isDirectory(file) ? ModelFingerprint.sha256(file, null) : ModelFingerprint.hashFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file + ": " + e.getMessage(), e);
        }
    }
}
