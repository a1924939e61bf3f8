package org.quantbench.export.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.gguf.GgufFile;
import org.quantbench.model.gguf.GgufTensorInfo;
import org.quantbench.testing.SharedData;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Rewriting the real SmolLM2 GGUF (llama.cpp's gguf-py output) from its own metadata and tensors. */
class GgufRewriteTest {

    @Test
    void rewritingARealFileReproducesItByteForByte(@TempDir Path dir) throws Exception {
        Path source = SharedData.require("models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf");
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile in = GgufFile.open(source)) {
            GgufWriter writer = new GgufWriter().putAll(in.metadata());
            for (GgufTensorInfo info : in.tensorInfos()) {
                long[] shape = info.shape().stream().mapToLong(Long::longValue).toArray();
                writer.add(GgufTensorSpec.copyOf(in.tensor(info.name()), shape));
            }
            writer.write(copy);
        }
        assertThat(Files.mismatch(source, copy)).isEqualTo(-1L);
    }
}
