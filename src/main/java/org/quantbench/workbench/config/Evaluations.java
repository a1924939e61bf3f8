package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The measurements of a run; a null part is not measured (a profile turns one off by setting it to null). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evaluations(PerplexitySettings perplexity, KldSettings kld, TaskSettings tasks,
                          ThroughputSettings throughput) {
    public static final Evaluations NONE = new Evaluations(null, null, null, null);

    public Evaluations {
        if (kld != null) {
            try {
                kld.over(perplexity);
            } catch (ConfigFieldException e) {
                throw new ConfigFieldException("kld." + e.field(), e.getMessage());
            }
        }
    }
}
