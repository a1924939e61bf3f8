package org.quantbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantbench.eval.results.ModelIdentity;
import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelFingerprint;
import org.quantbench.quant.QuantizedModelStore;

import java.nio.file.Path;

/** The provenance of the model a command runs: file hash (remembered beside the cache) and scheme. */
final class ModelIdentities {
    private ModelIdentities() {}

    static Path cacheRoot(ModelOptions options) {
        return options.cache != null ? options.cache : QuantizedModelStore.defaultCacheRoot();
    }

    static String sha256(ModelOptions options, Checkpoint checkpoint) {
        return ModelFingerprint.sha256(checkpoint.source(), options.noCache ? null : cacheRoot(options).resolve("hashes"));
    }

    static ModelIdentity of(ModelOptions options, Checkpoint checkpoint, ModelOptions.LoadedModel loaded) {
        String sha = sha256(options, checkpoint);
        if (loaded.quantized() == null) {
            return new ModelIdentity(checkpoint.source().toString(), sha, ModelIdentity.BASE, null);
        }
        var scheme = loaded.quantized().scheme();
        return new ModelIdentity(checkpoint.source().toString(), sha, scheme.name(), new ObjectMapper().valueToTree(scheme));
    }
}
