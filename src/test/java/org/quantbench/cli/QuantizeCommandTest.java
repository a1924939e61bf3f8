package org.quantbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class QuantizeCommandTest {

    @Test
    void quantizeFillsTheCacheAndPerplexityReadsItBack(@TempDir Path cache) throws Exception {
        String model = SharedData.require("models/stories260K/stories260K.bin").toString();
        String text = SharedData.require("data/tinystories/TinyStories-valid.head-transcribed.txt").toString();
        CliRun q = CliRun.of("quantize", model, "--scheme", "W4A16-RTN-g32-asym", "--cache", cache.toString());
        assertThat(q.exit()).as(q.err()).isZero();
        assertThat(q.out()).contains("W4A16-RTN-g32-asym").contains("bits/weight").contains("cache entry");
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("linears.safetensors", "entry.json")
                    .noneMatch(n -> n.contains(".tmp"));
        }
        CliRun p = CliRun.of("perplexity", model, "--text", text, "--split", "<|endoftext|>", "--bos", "--max-tokens", "511",
                "--scheme", "W4A16-RTN-g32-asym", "--cache", cache.toString());
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.err()).contains("from the cache");
        assertThat(p.out()).contains("weights W4A16-RTN-g32-asym").containsPattern("perplexity: 3\\.[3-9]\\d\\d");
    }

    @Test
    void anUnknownSchemeIsAnErrorNamingIt(@TempDir Path cache) {
        String model = SharedData.require("models/stories260K/stories260K.bin").toString();
        CliRun r = CliRun.of("quantize", model, "--scheme", "W9A16-RTN", "--cache", cache.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("W9A16-RTN").contains("bits");
        CliRun missing = CliRun.of("quantize", cache.resolve("nope.bin").toString(), "--scheme", "NF4");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.bin").contains("does not exist");
    }
}
