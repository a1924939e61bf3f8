package org.quantbench.workbench.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.quantbench.engine.InferenceSession;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.kld.BaseLogitsCache;
import org.quantbench.eval.kld.BaseLogitsFile;
import org.quantbench.eval.kld.KldEvaluator;
import org.quantbench.eval.kld.KldResult;
import org.quantbench.eval.TokenWindows;
import org.quantbench.eval.results.DataFile;
import org.quantbench.workbench.config.PerplexitySettings;
import org.quantbench.workbench.measure.TextScoring;

import java.util.List;

/**
 * KL divergence of a scheme from the base on the same tokens; the base's logits come from the base-logits cache. The
 * pass also sums the scheme's own perplexity on those tokens and leaves it to the row's perplexity step, which then
 * needs no second pass when it scores the same tokens (the default, {@code "kld": {}}).
 */
final class KldMeasurement implements Measurement {

    @Override
    public Prepared prepare(RunContext run, PlannedStep step) {
        PerplexitySettings settings = run.config.evaluations().kld().over(run.config.evaluations().perplexity());
        TextScoring scoring = PerplexityMeasurement.scoring(run, settings);
        PerplexityDefinition def = scoring.definition(run.tokenizer, run.checkpoint.config().maxSeqLen());
        String definition = "KL(P_base || P_model), natural log, over the base's top " + KldEvaluator.TOP_K
                + " tokens plus a rest bucket; top-1 agreement; ln(PPL ratio); on the tokens of " + scoring.describe(def)
                + run.tokenizerTag();
        return new Prepared(definition, List.of(DataFile.of(scoring.text())), (model, progress) -> {
            TokenWindows windows = new TokenWindows(def, scoring.documents(run.tokenizer, def), run.tokenizer.bosId());
            int total = windows.windows().size();
            progress.update(0, "base logits");
            BaseLogitsCache cache = new BaseLogitsCache(run.baseLogitsDir);
            try (BaseLogitsFile base = cache.open(run.modelSha256, windows, run.checkpoint.config().vocabSize(),
                    () -> run.baseSession(def.contextLength()))) {
                var loaded = model.get(progress);
                KldResult r = KldEvaluator.compare(new InferenceSession(loaded.model(), def.contextLength(),
                        InferenceSession.SCORING_BLOCK, run.pool), windows, base,
                        done -> progress.update((double) done / Math.max(total, 1), "window " + done + "/" + total));
                if (run.config.evaluations().perplexity() != null) {
                    run.keepPerplexity(step.scheme(), scoring, r.modelPerplexity());
                }
                var detail = JsonNodeFactory.instance.objectNode().put("evaluator_definition", r.definition())
                        .put("ppl_base", r.pplBase()).put("ppl_model", r.pplModel()).put("top_k", r.topK());
                return new Measured(List.of(
                        new Value("kld_mean", r.meanKld(), finite(r.kldStderr()), null),
                        new Value("kld_median", r.medianKld(), null, null),
                        new Value("kld_p99", r.p99Kld(), null, null),
                        new Value("kld_max", r.maxKld(), null, null),
                        new Value("top1_agreement_pct", r.top1Agreement(), null, null),
                        new Value("ln_ppl_ratio", r.lnPplRatio(), null, null)), r.tokens(), detail,
                        "float activations, " + loaded.label() + " weights vs weights as stored");
            }
        });
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
