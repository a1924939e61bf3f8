package org.quantbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class QuantizeCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void quantizeFillsTheCacheAndPerplexityReadsItBack(@TempDir Path cache) throws Exception {
        String model = SharedData.require("models/stories260K/stories260K.bin").toString();
        String text = SharedData.require("data/tinystories/TinyStories-valid.head-transcribed.txt").toString();
        Run q = run("quantize", model, "--scheme", "W4A16-RTN-g32-asym", "--cache", cache.toString());
        assertThat(q.code()).as(q.err()).isZero();
        assertThat(q.out()).contains("W4A16-RTN-g32-asym").contains("bits/weight").contains("cache entry");
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("linears.safetensors", "entry.json")
                    .noneMatch(n -> n.contains(".tmp"));
        }
        Run p = run("perplexity", model, "--text", text, "--split", "<|endoftext|>", "--bos", "--max-tokens", "511",
                "--scheme", "W4A16-RTN-g32-asym", "--cache", cache.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.err()).contains("from the cache");
        assertThat(p.out()).contains("weights W4A16-RTN-g32-asym").containsPattern("perplexity: 3\\.[3-9]\\d\\d");
    }

    @Test
    void anUnknownSchemeIsAnErrorNamingIt(@TempDir Path cache) {
        String model = SharedData.require("models/stories260K/stories260K.bin").toString();
        Run r = run("quantize", model, "--scheme", "W9A16-RTN", "--cache", cache.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("W9A16-RTN").contains("bits");
        Run missing = run("quantize", cache.resolve("nope.bin").toString(), "--scheme", "NF4");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.bin").contains("does not exist");
    }
}
