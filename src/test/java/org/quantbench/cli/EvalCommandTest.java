package org.quantbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every task and the KLD run end to end on stories260K with the shared data (small limits). */
class EvalCommandTest {
    private static final String STORIES = "models/stories260K/";

    @Test
    void everyTaskRunsAndTheResultsFileCarriesProvenance(@TempDir Path dir) throws IOException {
        String model = SharedData.require(STORIES + "stories260K.bin").toString();
        String tok = SharedData.require(STORIES + "tok512.bin").toString();
        Path data = SharedData.require("data");
        Path hellaswag = Files.writeString(dir.resolve("hs.jsonl"), """
                {"activity_label": "Baking", "ctx_a": "A girl puts a cake in the oven.", "ctx_b": "she", "endings": ["waits for it to bake.", "flies to the moon.", "eats the oven.", "sings to a fish."], "label": 0}
                """);
        Path lambada = Files.writeString(dir.resolve("l.txt"), "Once upon a time there was a little girl named Lily\n");
        // MMLU as a group of three real subjects (links into the shared data), to keep the run short
        Path mmlu = SharedData.mmluSubjects(dir, "anatomy", "astronomy", "virology");
        Path output = dir.resolve("results.json");
        CliRun r = CliRun.of("eval", model, "--tokenizer", tok, "--data", data.toString(), "--tasks",
                "arc_easy,arc_challenge,piqa,winogrande,mmlu=" + mmlu + ",hellaswag=" + hellaswag + ",lambada=" + lambada,
                "--limit", "2", "--seed", "5", "--batch", "2", "--threads", "2", "--no-cache", "--output", output.toString());
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).containsPattern("arc_easy +acc 0\\.\\d{4} ± 0\\.\\d{4}  acc_norm 0\\.\\d{4} ± 0\\.\\d{4}  items 2 ")
                .contains("winogrande", "acc_norm -").containsPattern("lambada +acc [01]\\.0000  perplexity \\d")
                .contains("mmlu_virology").containsPattern("\\nmmlu +acc [01]\\.\\d{4} ± 0\\.\\d{4}  acc_norm .*items 6 ");
        JsonNode root = new ObjectMapper().readTree(output.toFile());
        assertThat(root.get("results").get("arc_easy").has("acc,none")).isTrue();
        assertThat(root.get("results").get("piqa").has("acc_norm_stderr,none")).isTrue();
        assertThat(root.get("groups").get("mmlu").get("acc,none").asDouble()).isBetween(0.0, 1.0);
        assertThat(root.get("group_subtasks").get("mmlu")).hasSize(3);
        assertThat(root.get("n-samples").get("arc_challenge").get("original").asInt()).isEqualTo(1170);
        assertThat(root.has("incomplete")).isFalse();
        JsonNode record = root.get("records").get(0);
        assertThat(record.get("model").get("sha256").asText())
                .isEqualTo("b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696");
        assertThat(record.get("model").get("scheme").asText()).isEqualTo("base");
        assertThat(record.get("task").asText()).isEqualTo("arc_easy");
        assertThat(record.get("data").get(0).get("sha256").asText()).hasSize(64);
        assertThat(record.get("settings").get("threads").asInt()).isEqualTo(2);
        assertThat(record.get("settings").get("seed").asLong()).isEqualTo(5);
        assertThat(record.get("complete").asBoolean()).isTrue();
        assertThat(record.get("definition").asText()).contains("Question: {stem}", "2 items drawn with seed 5", "BOS first");
    }

    @Test
    void fewShotMmluAndAUserTaskSpec(@TempDir Path dir) throws IOException {
        String model = SharedData.require(STORIES + "stories260K.bin").toString();
        String tok = SharedData.require(STORIES + "tok512.bin").toString();
        Files.writeString(dir.resolve("mine.jsonl"), """
                {"q": "The cat sat on the", "a": "mat", "b": "xq", "gold": 0}
                {"q": "Lily went to the", "a": "zv", "b": "park", "gold": 1}
                """);
        Path spec = Files.writeString(dir.resolve("mine.json"), """
                {"name": "mine", "file": "mine.jsonl", "context": "{q}", "choices": ["{a}", "{b}"], "gold": "gold"}
                """);
        CliRun r = CliRun.of("eval", model, "--tokenizer", tok, "--data", SharedData.require("data").toString(),
                "--tasks", "mmlu_anatomy", "--task-spec", spec.toString(), "--num-fewshot", "1", "--limit", "2", "--no-cache");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("mmlu_anatomy", "mine ");
    }

    /** --sample draws across a group's subjects in proportion to their sizes; a sample of a task not asked for is refused. */
    @Test
    void aSampledGroupDrawsAcrossItsSubjects(@TempDir Path dir) throws IOException {
        String model = SharedData.require(STORIES + "stories260K.bin").toString();
        String tok = SharedData.require(STORIES + "tok512.bin").toString();
        Path mmlu = SharedData.mmluSubjects(dir, "anatomy", "astronomy", "virology");
        CliRun r = CliRun.of("eval", model, "--tokenizer", tok, "--tasks", "mmlu=" + mmlu, "--sample", "mmlu=5",
                "--limit", "3", "--seed", "7", "--no-cache");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        // 135, 152 and 166 questions: 1, 2 and 2 of the 5 (largest remainders), not --limit's 3 of each
        assertThat(r.out()).containsPattern("mmlu_anatomy .*items 1 ").containsPattern("mmlu_astronomy .*items 2 ")
                .containsPattern("mmlu_virology .*items 2 ").containsPattern("\\nmmlu .*items 5 ");
        CliRun wrong = CliRun.of("eval", model, "--tokenizer", tok, "--tasks", "piqa", "--sample", "mmlu=5", "--no-cache");
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.err()).contains("--sample mmlu=5: no such task among [piqa]");
    }

    @Test
    void aBrokenTaskIsReportedIncompleteAndTheExitCodeSaysSo(@TempDir Path dir) throws IOException {
        String model = SharedData.require(STORIES + "stories260K.bin").toString();
        String tok = SharedData.require(STORIES + "tok512.bin").toString();
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"goal\": \"g\"}\n");
        Files.writeString(dir.resolve("bad-labels.lst"), "0\n");
        Path output = dir.resolve("r.json");
        CliRun r = CliRun.of("eval", model, "--tokenizer", tok, "--data", SharedData.require("data").toString(),
                "--tasks", "piqa=" + bad + ",arc_easy", "--limit", "1", "--no-cache", "--output", output.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("piqa=" + bad).contains("INCOMPLETE").contains(bad + ": line 1: missing field 'sol1'")
                .containsPattern("arc_easy +acc");
        JsonNode root = new ObjectMapper().readTree(output.toFile());
        assertThat(root.get("results").has("arc_easy")).isTrue();
        assertThat(root.get("incomplete").fieldNames().next()).startsWith("piqa");
        assertThat(root.get("records")).anySatisfy(rec -> {
            assertThat(rec.get("complete").asBoolean()).isFalse();
            assertThat(rec.get("value").isNull()).isTrue();
        });
    }

    @Test
    void kldOfTheModelAgainstItselfIsZeroAndTheBaseLogitsAreCached(@TempDir Path dir) throws IOException {
        String model = SharedData.require(STORIES + "stories260K.bin").toString();
        String tok = SharedData.require(STORIES + "tok512.bin").toString();
        String text = SharedData.require("data/tinystories/TinyStories-valid.head-transcribed.txt").toString();
        String[] args = {"kld", model, "--tokenizer", tok, "--text", text, "--split", "<|endoftext|>", "--ctx", "64",
                "--max-tokens", "64", "--cache", dir.resolve("cache").toString(), "--output", dir.resolve("kld.json").toString()};
        CliRun first = CliRun.of(args);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("base logits (weights as stored): computed in")
                .contains("mean KLD:            0.000000").contains("top-1 agreement:     100.000 %")
                .contains("max KLD:             0.000000");
        CliRun second = CliRun.of(args);
        assertThat(second.out()).contains("base logits (weights as stored): read from");
        JsonNode records = new ObjectMapper().readTree(dir.resolve("kld.json").toFile()).get("records");
        assertThat(records).extracting(n -> n.get("metric").asText()).contains("kld_mean", "kld_p99", "top1_agreement_pct",
                "ln_ppl_ratio");
        assertThat(records.get(0).get("value").asDouble()).isZero();
        assertThat(records.get(0).get("definition").asText()).contains("top 32", "context 64");

        String[] quantized = java.util.Arrays.copyOf(args, args.length + 2);
        quantized[args.length] = "--scheme";
        quantized[args.length + 1] = "W8A8-INT";
        CliRun third = CliRun.of(quantized);
        assertThat(third.exit()).as(third.err()).isZero();
        assertThat(third.out()).contains("read from").contains("weights W8A8-INT").doesNotContain("mean KLD:            0.000000");
        JsonNode q = new ObjectMapper().readTree(dir.resolve("kld.json").toFile()).get("records").get(0);
        assertThat(q.get("value").asDouble()).isPositive();
        assertThat(q.get("model").get("scheme").asText()).isEqualTo("W8A8-INT");
        assertThat(q.get("model").get("schemeJson").get("kind").asText()).isNotEmpty();
    }
}
