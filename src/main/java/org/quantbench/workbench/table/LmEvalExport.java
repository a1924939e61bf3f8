package org.quantbench.workbench.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.eval.results.LmEvalResults;
import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.eval.results.RunSettings;
import org.quantbench.eval.tasks.Metric;
import org.quantbench.eval.tasks.TaskKind;
import org.quantbench.eval.tasks.TaskResult;
import org.quantbench.workbench.results.ResultRow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task results of one row (base or a scheme) of a run in lm-evaluation-harness's results JSON shape, rebuilt
 * from the stored rows through {@link LmEvalResults} (per-item scores are not stored, so none are listed).
 */
public final class LmEvalExport {
    private LmEvalExport() {}

    /** Rows of {@code scheme} in {@code rows}; empty when it has no task results. */
    public static java.util.Optional<ObjectNode> of(List<ResultRow> rows, String scheme) {
        Map<String, List<ResultRow>> byTask = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (r.scheme().equals(scheme) && r.step().startsWith("task:") && !r.metric().equals("wall_seconds")) {
                byTask.computeIfAbsent(r.step().substring(5), t -> new ArrayList<>()).add(r);
            }
        }
        if (byTask.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<TaskResult> results = new ArrayList<>();
        ResultRow any = byTask.values().iterator().next().getFirst();
        double seconds = 0;
        for (Map.Entry<String, List<ResultRow>> e : byTask.entrySet()) {
            ResultRow first = e.getValue().getFirst();
            JsonNode p = first.provenance();
            List<Metric> metrics = e.getValue().stream().map(r -> new Metric(r.metric(), r.value(), r.stderr())).toList();
            List<Path> files = new ArrayList<>();
            p.path("data").forEach(d -> files.add(Path.of(d.path("path").asText())));
            results.add(new TaskResult(e.getKey(), null, TaskKind.MULTIPLE_CHOICE, p.path("evaluator_definition").asText(first.definition()),
                    p.path("items_in_data").asInt((int) first.dataItems()), (int) first.dataItems(), p.path("shots").asInt(0),
                    List.of(), metrics, true, null, first.seconds(), files));
            seconds += first.seconds();
        }
        JsonNode p = any.provenance();
        ModelIdentity model = new ModelIdentity(any.modelPath(), any.modelSha256(), scheme, any.schemeJson());
        RunSettings settings = new RunSettings(p.path("threads").asInt(1), p.path("batch").asInt(1), null, 0, p.path("shots").asInt(0));
        return java.util.Optional.of(LmEvalResults.of(results, model, settings, seconds));
    }
}
