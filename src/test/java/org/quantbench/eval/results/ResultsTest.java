package org.quantbench.eval.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.eval.tasks.ItemScore;
import org.quantbench.eval.tasks.Metric;
import org.quantbench.eval.tasks.TaskGroups;
import org.quantbench.eval.tasks.TaskKind;
import org.quantbench.eval.tasks.TaskResult;
import org.quantbench.tensor.SoftwareVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Provenance records and the lm-eval export; a run that failed part-way is never reported as a result. */
class ResultsTest {
    private static final ModelIdentity MODEL = new ModelIdentity("/m/model.gguf", "ab".repeat(32), "base", null);
    private static final RunSettings SETTINGS = new RunSettings(2, 8, 5L, 10, 0);

    private static TaskResult complete(String name, String group, double acc, Double se, int n, Path file) {
        List<ItemScore> items = java.util.Collections.nCopies(n, new ItemScore(1, new double[] {-1, -2}, new boolean[2], 0, 0, 0));
        return new TaskResult(name, group, TaskKind.MULTIPLE_CHOICE, name + " definition", 100, n, 0, items,
                List.of(new Metric("acc", acc, se), new Metric("acc_norm", acc, se)), true, null, 1.5, List.of(file));
    }

    @Test
    void recordsCarryProvenanceAndSerialise(@TempDir Path dir) throws IOException {
        Path data = Files.writeString(dir.resolve("d.jsonl"), "{}\n");
        TaskResult r = complete("arc_easy", null, 0.25, 0.05, 4, data);
        List<EvalRecord> records = new EvalRecords(MODEL, SETTINGS).of(r);
        assertThat(records).extracting(EvalRecord::metric).containsExactly("acc", "acc_norm");
        EvalRecord acc = records.getFirst();
        assertThat(acc.value()).isEqualTo(0.25);
        assertThat(acc.complete()).isTrue();
        assertThat(acc.data()).singleElement().satisfies(f -> {
            // sha256 of the three bytes "{}\n"
            assertThat(f.sha256()).isEqualTo("ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356");
            assertThat(f.bytes()).isEqualTo(3);
        });
        assertThat(acc.softwareVersion()).isEqualTo(SoftwareVersion.VERSION);
        JsonNode json = new ObjectMapper().valueToTree(acc);
        assertThat(json.get("model").get("sha256").asText()).isEqualTo("ab".repeat(32));
        assertThat(json.get("settings").get("batch").asInt()).isEqualTo(8);
        assertThat(json.get("definition").asText()).isEqualTo("arc_easy definition");
        assertThat(new ObjectMapper().treeToValue(json, EvalRecord.class)).isEqualTo(acc);
    }

    @Test
    void lmEvalShapeWithGroupsAndIncompleteTasksLeftOut(@TempDir Path dir) throws IOException {
        Path data = Files.writeString(dir.resolve("d.csv"), "x\n");
        TaskResult a = complete("mmlu_a", "mmlu", 0.5, Math.sqrt(0.25 / 3), 4, data);
        TaskResult b = complete("mmlu_b", "mmlu", 1.0, 0.0, 2, data);
        TaskResult broken = new TaskResult("piqa", null, TaskKind.MULTIPLE_CHOICE, "d", 10, 10, 0, List.of(), List.of(),
                false, "piqa.jsonl: line 3: boom", 0.1, List.of(data));
        TaskResult group = TaskGroups.aggregate("mmlu", List.of(a, b));
        JsonNode root = LmEvalResults.of(List.of(a, b, broken, group), MODEL, SETTINGS, 3.0);
        assertThat(root.get("results").get("mmlu_a").get("acc,none").asDouble()).isEqualTo(0.5);
        assertThat(root.get("results").get("mmlu_b").get("acc_stderr,none").asDouble()).isZero();
        assertThat(root.get("results").get("mmlu").get("acc,none").asDouble()).isEqualTo(4.0 / 6);
        assertThat(root.get("groups").get("mmlu").get("acc_stderr,none").asDouble()).isEqualTo(Math.sqrt(0.25 / 6));
        assertThat(root.get("group_subtasks").get("mmlu")).extracting(JsonNode::asText).containsExactly("mmlu_a", "mmlu_b");
        assertThat(root.get("results").has("piqa")).isFalse();
        assertThat(root.get("incomplete").get("piqa").asText()).contains("line 3");
        assertThat(root.get("n-samples").get("mmlu_a").get("effective").asInt()).isEqualTo(4);
        assertThat(root.get("n-samples").get("mmlu_a").get("original").asInt()).isEqualTo(100);
        assertThat(root.get("higher_is_better").get("mmlu_a").get("acc").asBoolean()).isTrue();
        assertThat(root.get("config").get("model_sha").asText()).isEqualTo("ab".repeat(32));
        assertThat(root.get("config").get("batch_size").asText()).isEqualTo("8");

        List<EvalRecord> records = new EvalRecords(MODEL, SETTINGS).of(broken);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.complete()).isFalse();
            assertThat(r.value()).isNull();
            assertThat(r.error()).contains("boom");
        });
        TaskResult partGroup = TaskGroups.aggregate("g", List.of(a, broken));
        assertThat(partGroup.complete()).isFalse();
        assertThat(partGroup.metrics()).isEmpty();
        assertThatThrownBy(() -> new EvalRecord(MODEL, "t", "acc", 0.5, null, "d", List.of(), 1, 1, SETTINGS, 0, false,
                "x", "v", "now")).isInstanceOf(IllegalArgumentException.class);
    }
}
