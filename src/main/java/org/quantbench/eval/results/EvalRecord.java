package org.quantbench.eval.results;

import java.util.List;

/**
 * One number with its provenance: one record per (model, scheme, metric). A record of an incomplete run has
 * {@code complete = false}, the reason in {@code error} and no value: a partial run is never reported as a result.
 *
 * @param task        e.g. {@code arc_easy}, {@code mmlu}, {@code kld}
 * @param metric      e.g. {@code acc}, {@code acc_norm}, {@code kld_mean}
 * @param definition  what the number means, in words (prompt format, shots, selection, normalisation, windows)
 * @param items       items (or tokens, for KLD) the value rests on
 * @param itemsInData items the data files hold
 */
public record EvalRecord(ModelIdentity model, String task, String metric, Double value, Double stderr,
                         String definition, List<DataFile> data, long items, long itemsInData, RunSettings settings,
                         double seconds, boolean complete, String error, String softwareVersion, String createdAt) {

    public EvalRecord {
        data = List.copyOf(data);
        if (complete && (value == null || error != null)) {
            throw new IllegalArgumentException("a complete record has a value and no error");
        }
        if (!complete && value != null) {
            throw new IllegalArgumentException("an incomplete record carries no value");
        }
    }
}
