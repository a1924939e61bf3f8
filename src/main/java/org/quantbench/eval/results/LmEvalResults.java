package org.quantbench.eval.results;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.eval.tasks.Metric;
import org.quantbench.eval.tasks.TaskResult;
import org.quantbench.tensor.SoftwareVersion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task results in the shape of lm-evaluation-harness's results JSON: {@code results} (and {@code groups}) map each
 * task to {@code "acc,none"}, {@code "acc_stderr,none"} ("N/A" without one), {@code "acc_norm,none"}, ..., with
 * {@code group_subtasks}, {@code configs}, {@code versions}, {@code n-shot}, {@code higher_is_better},
 * {@code n-samples} and {@code config}. Incomplete tasks are left out of {@code results} and listed under
 * {@code incomplete} with their error, so no partial number passes for a result.
 */
public final class LmEvalResults {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private LmEvalResults() {}

    /** @param results tasks, then groups (a result whose task is some other result's group goes under "groups") */
    public static ObjectNode of(List<TaskResult> results, ModelIdentity model, RunSettings settings, double seconds) {
        ObjectNode root = JSON.objectNode();
        ObjectNode taskResults = root.putObject("results");
        ObjectNode groups = JSON.objectNode();
        ObjectNode groupSubtasks = JSON.objectNode();
        ObjectNode configs = JSON.objectNode();
        ObjectNode versions = JSON.objectNode();
        ObjectNode shots = JSON.objectNode();
        ObjectNode higher = JSON.objectNode();
        ObjectNode samples = JSON.objectNode();
        ObjectNode incomplete = JSON.objectNode();
        Map<String, List<String>> members = new LinkedHashMap<>();
        for (TaskResult r : results) {
            if (r.group() != null) {
                members.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r.task());
            }
        }
        for (TaskResult r : results) {
            if (!r.complete()) {
                incomplete.put(r.task(), r.error());
                continue;
            }
            boolean isGroup = members.containsKey(r.task());
            ObjectNode entry = JSON.objectNode();
            entry.put("alias", r.task());
            ObjectNode better = JSON.objectNode();
            for (Metric m : r.metrics()) {
                entry.put(m.name() + ",none", m.value());
                if (m.stderr() != null && Double.isFinite(m.stderr())) {
                    entry.put(m.name() + "_stderr,none", m.stderr());
                } else {
                    entry.put(m.name() + "_stderr,none", "N/A");
                }
                better.put(m.name(), !m.name().equals("perplexity"));
            }
            taskResults.set(r.task(), entry);
            higher.set(r.task(), better);
            shots.put(r.task(), r.shots());
            if (isGroup) {
                groups.set(r.task(), entry.deepCopy());
                groupSubtasks.set(r.task(), JSON.arrayNode().addAll(members.get(r.task()).stream().map(JSON::textNode).toList()));
                versions.put(r.task(), 2.0);
            } else {
                versions.put(r.task(), 1.0);
                ObjectNode config = configs.putObject(r.task());
                config.put("task", r.task());
                config.put("output_type", r.kind().name().equals("LAST_WORD") ? "loglikelihood" : "multiple_choice");
                config.put("num_fewshot", r.shots());
                config.put("description", r.definition());
                ObjectNode count = samples.putObject(r.task());
                count.put("original", r.itemsInFile());
                count.put("effective", r.selected());
            }
        }
        if (!groups.isEmpty()) {
            root.set("groups", groups);
            root.set("group_subtasks", groupSubtasks);
        }
        root.set("configs", configs);
        root.set("versions", versions);
        root.set("n-shot", shots);
        root.set("higher_is_better", higher);
        root.set("n-samples", samples);
        ObjectNode config = root.putObject("config");
        config.put("model", "quantbench");
        config.put("model_args", "pretrained=" + model.path() + ",scheme=" + model.scheme());
        config.put("model_sha", model.sha256());
        config.put("batch_size", Integer.toString(settings.batch()));
        config.put("device", "cpu");
        if (settings.limit() > 0) {
            config.put("limit", settings.limit());
        } else {
            config.putNull("limit");
        }
        if (settings.seed() != null) {
            config.put("random_seed", settings.seed());
        }
        config.put("threads", settings.threads());
        root.put("date", System.currentTimeMillis() / 1000.0);
        root.put("total_evaluation_time_seconds", Double.toString(seconds));
        root.put("quantbench_version", SoftwareVersion.VERSION);
        if (!incomplete.isEmpty()) {
            root.set("incomplete", incomplete);
        }
        return root;
    }
}
