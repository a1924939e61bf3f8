package org.quantbench.workbench.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.engine.InferenceSession;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.PerplexityEvaluator;
import org.quantbench.eval.PerplexityResult;
import org.quantbench.eval.TokenWindows;
import org.quantbench.eval.results.DataFile;
import org.quantbench.workbench.config.PerplexitySettings;
import org.quantbench.workbench.measure.TextScoring;

import java.util.List;

/** Token perplexity of the configured text, or the one the row's KLD pass left when it scored the same tokens. */
final class PerplexityMeasurement implements Measurement {

    static TextScoring scoring(RunContext run, PerplexitySettings s) {
        return new TextScoring(run.plan.paths().resolve(s.text()), s.ctx(), s.stride(), s.bos(), s.maxTokens(),
                s.maxWindows(), s.maxBytes(), s.split());
    }

    @Override
    public Prepared prepare(RunContext run, PlannedStep step) {
        TextScoring scoring = scoring(run, run.config.evaluations().perplexity());
        PerplexityDefinition def = scoring.definition(run.tokenizer, run.checkpoint.config().maxSeqLen());
        return new Prepared(scoring.describe(def) + run.tokenizerTag(), List.of(DataFile.of(scoring.text())), (model, progress) -> {
            var loaded = model.get(progress);
            var kept = run.takePerplexity(step.scheme(), scoring);
            PerplexityResult r = kept.orElseGet(() -> {
                List<int[]> docs = scoring.documents(run.tokenizer, def);
                int total = new TokenWindows(def, docs, run.tokenizer.bosId()).windows().size();
                InferenceSession session = new InferenceSession(loaded.model(), def.contextLength(),
                        InferenceSession.SCORING_BLOCK, run.pool);
                return new PerplexityEvaluator(session, def, run.tokenizer.bosId()).evaluate(docs,
                        done -> progress.update((double) done / Math.max(total, 1), "window " + done + "/" + total));
            });
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            extra.put("mean_nll", r.meanNll());
            extra.put("tokens", r.scoredTokens());
            extra.put("windows", r.windows());
            extra.put("documents", r.documents());
            return new Measured(List.of(new Value("perplexity", r.perplexity(), null, extra)), r.scoredTokens(),
                    JsonNodeFactory.instance.objectNode(), "float activations, " + loaded.label() + " weights"
                    + (kept.isPresent() ? " (summed in the kld step's forward pass over the same tokens)" : ""));
        });
    }
}
