package org.quantbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.model.Checkpoint;
import org.quantbench.workbench.measure.LoadedModel;

/** The provenance of the model a command runs: file hash (remembered beside the cache) and scheme. */
final class ModelIdentities {
    private ModelIdentities() {}

    static ModelIdentity of(ModelOptions options, Checkpoint checkpoint, LoadedModel loaded) {
        String sha = options.loading().sha256(checkpoint);
        if (loaded.quantized() == null) {
            return new ModelIdentity(checkpoint.source().toString(), sha, ModelIdentity.BASE, null);
        }
        var scheme = loaded.quantized().scheme();
        return new ModelIdentity(checkpoint.source().toString(), sha, scheme.name(), new ObjectMapper().valueToTree(scheme));
    }
}
