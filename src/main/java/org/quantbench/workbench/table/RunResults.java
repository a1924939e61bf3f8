package org.quantbench.workbench.table;

import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.StepFailure;

import java.util.List;

/**
 * What a table is built from: one run's stored rows and failed steps.
 *
 * @param schemeOrder row order (base first, then the config's schemes); rows of other schemes follow
 * @param baseLabel   how the base row is labelled (the config's model label, e.g. "base = Q4_1 dequantized")
 */
public record RunResults(String runId, String name, String baseLabel, List<String> schemeOrder, List<ResultRow> rows,
                         List<StepFailure> failures) {
    public RunResults {
        schemeOrder = List.copyOf(schemeOrder);
        rows = List.copyOf(rows);
        failures = List.copyOf(failures);
    }
}
