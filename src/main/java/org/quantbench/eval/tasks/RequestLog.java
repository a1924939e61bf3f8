package org.quantbench.eval.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One JSON line per scored (item, choice): the task, the item's line in its data file, the choice, the gold choice,
 * the context and continuation token ids, and the summed log-likelihood this engine gave the continuation. Another
 * engine reads the ids, scores them itself and compares (bench/llamacpp-crosscheck.mjs does so with llama.cpp).
 */
public final class RequestLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestLog() {}

    /** The lines of one task's result; {@code requests} is {@link TaskRunner#encodedRequests} for the same run. */
    public static List<String> lines(TaskResult result, List<List<EncodedRequest>> requests) {
        if (requests.size() < result.items().size()) {
            throw new IllegalArgumentException(result.task() + ": " + requests.size() + " encoded items for "
                    + result.items().size() + " scores");
        }
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < result.items().size(); i++) {
            ItemScore score = result.items().get(i);
            List<EncodedRequest> item = requests.get(i);
            for (int c = 0; c < item.size(); c++) {
                ObjectNode line = JSON.createObjectNode();
                line.put("task", result.task());
                line.put("line", score.line());
                line.put("choice", c);
                line.put("gold", score.gold());
                line.set("context", JSON.valueToTree(item.get(c).context()));
                line.set("continuation", JSON.valueToTree(item.get(c).continuation()));
                line.put("loglikelihood", score.logLikelihoods()[c]);
                line.put("greedy", score.greedy()[c]);
                lines.add(line.toString());
            }
        }
        return lines;
    }
}
