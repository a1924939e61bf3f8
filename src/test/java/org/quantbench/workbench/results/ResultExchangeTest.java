package org.quantbench.workbench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResultExchangeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String MODEL = StepKey.sha256("model file");
    private static final String DATA = StepKey.sha256("wiki.test.raw");
    private static final Instant AT = Instant.parse("2025-03-01T10:15:30.123456Z");

    @TempDir
    Path dir;

    private Path file;
    private String runA;
    private String runB;

    static ResultRow row(String runId, String scheme, String step, String metric, double value, Double stderr, String data,
                         JsonNode extra) {
        JsonNode schemeJson = scheme.equals("base") ? null : NODES.objectNode().put("bits", 4).put("group", 128);
        return new ResultRow(MODEL, "/models/m.bin", scheme, schemeJson, step, metric, value, stderr, "def of " + step,
                data, 1000, extra, NODES.objectNode().put("threads", 2).put("software_version", "0.1.0"), 1.5,
                "float activations", runId, AT);
    }

    /** Two runs: A measured memory (no data) and perplexity of the base, B a task of a scheme. */
    @BeforeEach
    void fillSource() {
        file = dir.resolve("results.json");
        try (ResultStore source = ResultStore.open(dir.resolve("source"))) {
            runA = source.createRun("a", null, "{}").id();
            runB = source.createRun("b", "quick", "{}").id();
            source.saveStep(runA, List.of(row(runA, "base", "memory", "bits_per_weight", 16.0, null, "", null),
                    row(runA, "base", "memory", "wall_seconds", 0.25, null, "", null)));
            source.saveStep(runA, List.of(row(runA, "base", "perplexity", "perplexity", 3.5, 0.125, DATA,
                    NODES.objectNode().put("tokens", 4096).put("nll", 1.2527629684953681))));
            source.saveStep(runB, List.of(row(runB, "W4A16-RTN-g128-sym", "task:arc_easy", "acc", 0.5, 0.01, DATA, null),
                    row(runB, "W4A16-RTN-g128-sym", "task:arc_easy", "acc_norm", 0.625, 0.0125, DATA, null)));
        }
    }

    private List<ResultRow> sourceRows() {
        try (ResultStore source = ResultStore.open(dir.resolve("source"))) {
            return source.allRows();
        }
    }

    private ResultExchange.ExportSummary export(Optional<String> run) {
        try (ResultStore source = ResultStore.open(dir.resolve("source"))) {
            return ResultExchange.export(source, run, file);
        }
    }

    @Test
    void aRoundTripKeepsEveryFieldAndStoresTheStepsUnderOneImportRun() {
        assertThat(export(Optional.empty())).isEqualTo(new ResultExchange.ExportSummary(5, 3));
        List<ResultRow> expected = sourceRows();
        try (ResultStore target = ResultStore.open(dir.resolve("target"))) {
            ResultExchange.ImportSummary s = ResultExchange.importFile(target, file);
            assertThat(s.rows()).isEqualTo(5);
            assertThat(s.newRows()).isEqualTo(5);
            assertThat(s.steps()).isEqualTo(3);

            List<ResultRow> imported = target.allRows();
            assertThat(imported).containsExactlyElementsOf(expected);
            assertThat(imported.getFirst().stderr()).isNull();
            assertThat(imported.getFirst().schemeJson()).isNull();
            assertThat(imported.getFirst().createdAt()).isEqualTo(AT);
            assertThat(imported.get(2).extra()).isEqualTo(expected.get(2).extra());
            assertThat(imported).extracting(ResultRow::runId).containsExactly(runA, runA, runA, runB, runB);
            expected.forEach(r -> assertThat(target.hasStep(r.stepKey())).isTrue());

            RunRecord run = target.runs().getFirst();
            assertThat(target.runs()).hasSize(1);
            assertThat(run.id()).isEqualTo(s.runId());
            assertThat(run.name()).isEqualTo("imported from results.json");
            assertThat(run.status()).isEqualTo(RunStatus.DONE);
            assertThat(run.configJson()).contains("\"imported_from\":\"results.json\"").contains("\"rows\":5");
            assertThat(target.rowsOfRun(run.id())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void importingTheSameFileTwiceAddsNoRow() {
        export(Optional.empty());
        try (ResultStore target = ResultStore.open(dir.resolve("target"))) {
            ResultExchange.importFile(target, file);
            ResultExchange.ImportSummary again = ResultExchange.importFile(target, file);
            assertThat(again.rows()).isEqualTo(5);
            assertThat(again.newRows()).isZero();
            assertThat(target.allRows()).hasSize(5);
            assertThat(target.rowsOfRun(again.runId())).hasSize(5);
        }
    }

    @Test
    void anExportOfOneRunHoldsOnlyItsRows() throws Exception {
        assertThat(export(Optional.of(runB))).isEqualTo(new ResultExchange.ExportSummary(2, 1));
        JsonNode doc = JSON.readTree(file.toFile());
        assertThat(doc.get("format").asText()).isEqualTo("quantbench-results");
        assertThat(doc.get("version").asInt()).isEqualTo(1);
        assertThat(Instant.parse(doc.get("exported").asText())).isAfter(AT);
        assertThat(doc.get("rows")).extracting(r -> r.get("metric").asText()).containsExactly("acc", "acc_norm");
        assertThatThrownBy(() -> export(Optional.of("nope"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no run 'nope'");
    }

    @Test
    void aFailedExportLeavesNoFile() throws Exception {
        file = dir.resolve("taken");
        Files.createDirectories(file.resolve("inside"));
        assertThatThrownBy(() -> export(Optional.empty())).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot write " + file);
        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("source", "taken");
        }
    }

    @Test
    void aBrokenFileNamesFileRowAndFieldAndStoresNothing() throws Exception {
        export(Optional.empty());
        String f = dir.resolve("broken.json").toString();
        assertThat(rejected("{\"format\": ")).startsWith(f + ": not valid JSON: ");
        assertThat(rejected("[]")).isEqualTo(f + ": not a results file (the top level must be one JSON object)");
        assertThat(rejected(doc(d -> d.put("format", "other"))))
                .isEqualTo(f + ": format: expected \"quantbench-results\", found \"other\"");
        assertThat(rejected(doc(d -> d.put("version", 2))))
                .isEqualTo(f + ": version: 2 is not supported (this QuantBench reads version 1)");
        assertThat(rejected(doc(d -> d.remove("rows")))).isEqualTo(f + ": rows: missing");
        // The last row is the bad one: the rows before it are valid and must not be stored either.
        assertThat(rejected(doc(d -> lastRow(d).remove("metric")))).isEqualTo(f + ": rows[4].metric: missing");
        assertThat(rejected(doc(d -> lastRow(d).put("value", "NaN")))).isEqualTo(f + ": rows[4].value: not a finite number");
        assertThat(rejected(doc(d -> lastRow(d).put("stderr", true)))).isEqualTo(f + ": rows[4].stderr: not a finite number");
        assertThat(rejected(doc(d -> lastRow(d).put("dataItems", 1.5))))
                .isEqualTo(f + ": rows[4].dataItems: not a whole number >= 0");
        assertThat(rejected(doc(d -> lastRow(d).put("modelSha256", MODEL.toUpperCase()))))
                .isEqualTo(f + ": rows[4].modelSha256: not a SHA-256 (64 lowercase hex digits)");
        assertThat(rejected(doc(d -> lastRow(d).put("dataSha256", "abc"))))
                .isEqualTo(f + ": rows[4].dataSha256: not a SHA-256 (64 lowercase hex digits, or \"\")");
        assertThat(rejected(doc(d -> lastRow(d).put("scheme", "x".repeat(257)))))
                .isEqualTo(f + ": rows[4].scheme: longer than 256 characters");
        assertThat(rejected(doc(d -> lastRow(d).put("extra", "{}")))).isEqualTo(f + ": rows[4].extra: not a JSON object");
        assertThat(rejected(doc(d -> lastRow(d).put("createdAt", "yesterday"))))
                .isEqualTo(f + ": rows[4].createdAt: not an ISO-8601 instant (e.g. 2025-01-31T12:00:00Z)");
        assertThat(rejected(doc(d -> ((ArrayNode) d.get("rows")).add(d.get("rows").get(1).deepCopy()))))
                .isEqualTo(f + ": rows[5]: the same result (model, scheme, step, metric, definition and data) as rows[1]");
        // A number too large for a double reads as infinity: it must not pass as a value.
        assertThat(rejected(doc(d -> { }).replace("\"value\":16.0", "\"value\":1e400")))
                .isEqualTo(f + ": rows[0].value: not a finite number");
    }

    @Test
    void aFileOverTheCapIsRefusedBeforeParsing() throws Exception {
        export(Optional.empty());
        try (ResultStore target = ResultStore.open(dir.resolve("target"))) {
            assertThatThrownBy(() -> ResultExchange.importFile(target, file, 100)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(file + ": larger than 100 bytes, the most a results file may have");
            assertThat(target.runs()).isEmpty();
        }
    }

    /** The exported document with {@code edit} applied, as text. */
    private String doc(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode d = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(d);
        return d.toString();
    }

    private static ObjectNode lastRow(ObjectNode doc) {
        JsonNode rows = doc.get("rows");
        return (ObjectNode) rows.get(rows.size() - 1);
    }

    /** Imports {@code content} from broken.json into an empty store: the error's message, once sure nothing was stored. */
    private String rejected(String content) throws Exception {
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, content);
        try (ResultStore target = ResultStore.open(dir.resolve("target"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ResultExchange.importFile(target, broken));
            assertThat(target.allRows()).isEmpty();
            assertThat(target.runs()).isEmpty();
            return e.getMessage();
        }
    }
}
