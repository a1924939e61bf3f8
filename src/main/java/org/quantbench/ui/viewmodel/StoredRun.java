package org.quantbench.ui.viewmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.workbench.results.ResultStore;
import org.quantbench.workbench.results.RunRecord;
import org.quantbench.workbench.table.RunResults;

import java.util.ArrayList;
import java.util.List;

/** A run of the history read back as table input: its rows and failures, in its config's scheme order and labels. */
final class StoredRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredRun() {}

    static RunResults results(ResultStore store, RunRecord run) {
        List<String> order = new ArrayList<>(List.of(ModelIdentity.BASE));
        String label = ModelIdentity.BASE;
        try {
            // The stored config was valid when the run started; its model path may be gone since, so read it loosely.
            JsonNode config = JSON.readTree(run.configJson());
            config.path("schemes").forEach(s -> order.add(s.asText()));
            label = config.path("model").path("label").asText(label);
        } catch (java.io.IOException e) {
            // A config that no longer parses still leaves the rows; they keep the store's order.
        }
        return new RunResults(run.id(), run.name(), label, order, store.rowsOfRun(run.id()), store.failuresOfRun(run.id()));
    }
}
