package org.quantbench.cli;

import org.junit.jupiter.api.Test;
import org.quantbench.testing.SharedData;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** --arithmetic on a model command: the report names the arithmetic, the default stays exact, bad names are refused. */
class ArithmeticOptionTest {
    private static final String STORIES = "models/stories260K/";

    private static CliRun perplexity(String... extra) {
        String model = SharedData.require(STORIES + "stories260K.bin").toString();
        String tok = SharedData.require(STORIES + "tok512.bin").toString();
        String text = SharedData.require("data/tinystories/TinyStories-valid.head-transcribed.txt").toString();
        String[] base = {"perplexity", model, "--tokenizer", tok, "--text", text, "--ctx", "128", "--max-windows", "2",
                "--threads", "2", "--no-cache"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    private static String perplexityOf(CliRun r) {
        Matcher m = Pattern.compile("perplexity: (\\S+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    @Test
    void definitionLineNamesTheArithmetic() {
        CliRun exact = perplexity();
        CliRun llama = perplexity("--arithmetic", "llamacpp");
        assertThat(exact.exit()).as(exact.err()).isZero();
        assertThat(llama.exit()).as(llama.err()).isZero();
        assertThat(exact.out()).containsPattern("definition: .*; arithmetic: exact float");
        assertThat(llama.out()).containsPattern("definition: .*; arithmetic: llama.cpp-compatible");
        // stories260K's F32 weights keep float matmuls; the F16 KV cache and ggml's norms still move the figure a little
        assertThat(Double.parseDouble(perplexityOf(llama))).isCloseTo(Double.parseDouble(perplexityOf(exact)),
                org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void unknownArithmeticIsRefused() {
        CliRun r = perplexity("--arithmetic", "int4");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("arithmetic must be exact or llamacpp, not 'int4'");
    }
}
