package org.quantbench.workbench.run;

import org.quantbench.quant.Scheme;

/**
 * One step of a {@link RunPlan}.
 *
 * @param scheme      the row it fills: {@code base} or the scheme's name ({@code +lm_head} when lm_head is quantized)
 * @param parsed      the scheme (null for the base)
 * @param step        the stored step name: {@code memory}, {@code perplexity}, {@code kld}, {@code task:<name>}, {@code throughput}
 * @param taskRequest for tasks: the name as the config gives it ({@code arc_easy}, {@code mmlu}, {@code name=PATH}, {@code spec:PATH})
 */
public record PlannedStep(String scheme, Scheme parsed, StepKind kind, String step, String taskRequest) {

    /** "W4A16-RTN-g128-sym: perplexity". */
    public String describe() {
        return scheme + ": " + step;
    }
}
