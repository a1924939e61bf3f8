package org.quantbench.workbench.run;

import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.quant.Scheme;
import org.quantbench.workbench.config.Evaluations;
import org.quantbench.workbench.config.PathVariables;
import org.quantbench.workbench.config.RunConfig;
import org.quantbench.workbench.config.RunConfigFile;
import org.quantbench.workbench.config.TaskSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * A config under a profile, as the ordered steps a run executes: the base first, then each scheme in config order;
 * per row the memory step (load or quantize) first, then perplexity, KLD (schemes only), each task, throughput.
 *
 * @param config  the config with the profile applied
 * @param profile the profile's name, or null
 * @param paths   how the config's paths resolve (its folder, {@code ${QUANTBENCH_SHARED}}, {@code ${DEMO}})
 */
public record RunPlan(RunConfig config, String profile, PathVariables paths, List<PlannedStep> steps) {

    public RunPlan {
        steps = List.copyOf(steps);
    }

    public static RunPlan of(RunConfig config, String profile, PathVariables paths) {
        RunConfig applied = RunConfigFile.withProfile(config, profile);
        List<PlannedStep> steps = new ArrayList<>();
        add(steps, applied, ModelIdentity.BASE, null);
        for (Scheme s : applied.parsedSchemes()) {
            add(steps, applied, s.name() + (applied.quantizeLmHead() ? "+lm_head" : ""), s);
        }
        return new RunPlan(applied, profile == null || profile.isBlank() ? null : profile, paths, steps);
    }

    private static void add(List<PlannedStep> steps, RunConfig c, String row, Scheme scheme) {
        Evaluations e = c.evaluations();
        steps.add(new PlannedStep(row, scheme, StepKind.MEMORY, "memory", null));
        // KLD first: its forward pass also gives the scheme's perplexity when both score the same tokens.
        if (e.kld() != null && scheme != null) {
            steps.add(new PlannedStep(row, scheme, StepKind.KLD, "kld", null));
        }
        if (e.perplexity() != null) {
            steps.add(new PlannedStep(row, scheme, StepKind.PERPLEXITY, "perplexity", null));
        }
        if (e.tasks() != null) {
            for (String name : e.tasks().names()) {
                steps.add(new PlannedStep(row, scheme, StepKind.TASK, "task:" + TaskSettings.taskName(name), name.strip()));
            }
        }
        if (e.throughput() != null) {
            steps.add(new PlannedStep(row, scheme, StepKind.THROUGHPUT, "throughput", null));
        }
    }

    /** Row order of the table: base, then the schemes. */
    public List<String> rowOrder() {
        return steps.stream().map(PlannedStep::scheme).distinct().toList();
    }
}
