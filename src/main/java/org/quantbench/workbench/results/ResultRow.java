package org.quantbench.workbench.results;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One stored number: a metric of one step (e.g. {@code acc_norm} of step {@code task:arc_easy}) of a model under a
 * scheme, with its provenance. Rows are keyed by (model hash, scheme, step, metric, definition hash, data hash):
 * the same measurement made again is the same row, whichever run asks for it.
 *
 * @param scheme      the scheme's short name ({@code +lm_head} appended when lm_head is quantized), or {@code base}
 * @param schemeJson  the scheme with every parameter (null for the base)
 * @param step        what produced it: {@code quantize}, {@code perplexity}, {@code kld}, {@code task:<name>}, {@code throughput}
 * @param definition  what the number means, in words (context, stride, items, prompt format, threads ...)
 * @param dataSha256  SHA-256 over the data files it rests on ("" when none: sizes, throughput on random prompts)
 * @param dataItems   items (tokens, questions, runs) the value rests on
 * @param extra       further numbers of the same measurement (e.g. min/max of throughput runs), or null
 * @param provenance  software version, threads, seed, data files, timings, compute path, model path ...
 * @param seconds     wall time of the step that produced it
 * @param computePath which arithmetic produced it (e.g. "float activations, quantized weights")
 * @param runId       the run that first measured it
 */
public record ResultRow(String modelSha256, String modelPath, String scheme, JsonNode schemeJson, String step,
                        String metric, Double value, Double stderr, String definition, String dataSha256, long dataItems,
                        JsonNode extra, JsonNode provenance, double seconds, String computePath, String runId,
                        Instant createdAt) {

    public ResultRow {
        if (modelSha256 == null || scheme == null || step == null || metric == null || definition == null || dataSha256 == null) {
            throw new IllegalArgumentException("a result row needs model hash, scheme, step, metric, definition and data hash");
        }
        if (value == null) {
            throw new IllegalArgumentException("a result row holds a value: failures are stored as StepFailure");
        }
        schemeJson = schemeJson == null || schemeJson.isNull() ? null : schemeJson;
        extra = extra == null || extra.isNull() ? null : extra;
    }

    public StepKey stepKey() {
        return new StepKey(modelSha256, scheme, step, StepKey.sha256(definition), dataSha256);
    }
}
