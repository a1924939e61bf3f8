package org.quantbench.workbench.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.quantbench.eval.ThroughputBenchmark;
import org.quantbench.eval.ThroughputResult;
import org.quantbench.workbench.config.ThroughputSettings;

import java.util.ArrayList;
import java.util.List;

/** Prefill and decode tokens/s for each configured stream count ({@code prefill_tok_s@N}, {@code decode_tok_s@N}). */
final class ThroughputMeasurement implements Measurement {

    @Override
    public Prepared prepare(RunContext run, PlannedStep step) {
        ThroughputSettings s = run.config.evaluations().throughput();
        String definition = "prefill of " + s.promptTokens() + " seeded random prompt tokens per stream, then "
                + s.genTokens() + " greedy decode steps (streams batched); streams " + s.streams() + "; median of "
                + s.repeats() + " runs after " + s.warmup() + " warm-up; " + run.pool.threads() + " threads; seed "
                + run.config.seed();
        return new Prepared(definition, List.of(), (model, progress) -> {
            var loaded = model.get(progress);
            ThroughputBenchmark bench = new ThroughputBenchmark(loaded.model(), run.pool);
            List<Value> values = new ArrayList<>();
            for (int i = 0; i < s.streams().size(); i++) {
                int n = s.streams().get(i);
                progress.update((double) i / s.streams().size(), n + " stream" + (n == 1 ? "" : "s"));
                ThroughputResult r = bench.run(s.promptTokens(), s.genTokens(), n, s.warmup(), s.repeats(), run.config.seed());
                values.add(new Value("prefill_tok_s@" + n, r.prefillMedian(), null,
                        JsonNodeFactory.instance.objectNode().put("min", r.prefillMin()).put("max", r.prefillMax())));
                values.add(new Value("decode_tok_s@" + n, r.decodeMedian(), null,
                        JsonNodeFactory.instance.objectNode().put("min", r.decodeMin()).put("max", r.decodeMax())));
            }
            return new Measured(values, (long) s.repeats() * s.streams().size(), JsonNodeFactory.instance.objectNode(),
                    "float activations, " + loaded.label() + " weights");
        });
    }
}
