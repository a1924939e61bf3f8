package org.quantbench.workbench.run;

import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.eval.PerplexityResult;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.quant.calib.CalibrationData;
import org.quantbench.tensor.ComputePool;
import org.quantbench.workbench.config.CalibrationSettings;
import org.quantbench.workbench.config.RunConfig;
import org.quantbench.workbench.measure.ModelLoading;
import org.quantbench.workbench.measure.TextScoring;

import java.nio.file.Path;
import java.util.Optional;

/** What every step of one run shares: the open checkpoint, its hash and tokenizer, the compute pool, the cache. */
final class RunContext {
    final RunPlan plan;
    final RunConfig config;
    final Checkpoint checkpoint;
    final Tokenizer tokenizer;
    final String modelSha256;
    /** Hash of a tokenizer given apart from the model (llama2.c), else null; part of every text definition. */
    final String tokenizerSha256;
    final ComputePool pool;
    final ModelLoading loading;
    final Path baseLogitsDir;
    final CancelToken cancel;
    private LlamaModel base;
    private CalibrationData calibration;
    /** A row's perplexity that its KLD step computed on the tokens of {@link #byProductScoring}, until taken. */
    private PerplexityResult byProduct;
    private String byProductRow;
    private TextScoring byProductScoring;

    RunContext(RunPlan plan, Checkpoint checkpoint, Tokenizer tokenizer, String modelSha256, String tokenizerSha256,
               ComputePool pool, ModelLoading loading, Path baseLogitsDir, CancelToken cancel) {
        this.plan = plan;
        this.config = plan.config();
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
        this.modelSha256 = modelSha256;
        this.tokenizerSha256 = tokenizerSha256;
        this.pool = pool;
        this.loading = loading;
        this.baseLogitsDir = baseLogitsDir;
        this.cancel = cancel;
    }

    /**
     * The config's calibration windows, read once per run when the first scheme that needs them loads; null when the
     * config names none (ModelQuantizer then refuses such a scheme, and the step is recorded as failed with why).
     */
    synchronized CalibrationData calibration(java.util.function.Consumer<String> warnings) {
        CalibrationSettings c = config.calibration();
        if (calibration == null && c != null) {
            calibration = CalibrationData.load(plan.paths().resolve(c.file()), tokenizer, c.samples(), c.tokens(), c.seed(), warnings);
        }
        return calibration;
    }

    /** ", tokenizer sha256 ..." when the tokenizer is a file apart from the model. */
    String tokenizerTag() {
        return tokenizerSha256 == null ? "" : ", tokenizer sha256 " + tokenizerSha256;
    }

    /** Keeps the perplexity a row's KLD pass measured on {@code scoring}'s tokens for that row's perplexity step. */
    synchronized void keepPerplexity(String row, TextScoring scoring, PerplexityResult result) {
        byProductRow = row;
        byProductScoring = scoring;
        byProduct = result;
    }

    /** The kept perplexity of {@code row} on exactly {@code scoring}'s tokens, handed out once; else empty. */
    synchronized Optional<PerplexityResult> takePerplexity(String row, TextScoring scoring) {
        if (byProduct == null || !row.equals(byProductRow) || !scoring.equals(byProductScoring)) {
            return Optional.empty();
        }
        PerplexityResult r = byProduct;
        byProduct = null;
        return Optional.of(r);
    }

    /** A session on the base model (weights as stored), loaded once per run, for the base logits of KLD. */
    InferenceSession baseSession(int capacity) {
        if (base == null) {
            base = LlamaModel.load(checkpoint);
        }
        return new InferenceSession(base, capacity, InferenceSession.SCORING_BLOCK, pool);
    }
}
