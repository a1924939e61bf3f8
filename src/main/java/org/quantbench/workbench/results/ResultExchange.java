package org.quantbench.workbench.results;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.model.json.StrictJson;
import org.quantbench.tensor.SoftwareVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Moves stored results between results databases as a JSON file, so a long run can go on on another machine: rows
 * keep their key, run id and time, so the target's next run of the config finds those steps stored. An imported file
 * is outside input: it is size-capped and checked row by row before anything is stored, and every error names the
 * file, the row and the field (e.g. {@code results.json: rows[3].value: not a finite number}).
 */
public final class ResultExchange {
    static final String FORMAT = "quantbench-results";
    static final int VERSION = 1;

    /** A full run's export is a few MiB; this stays below StrictJson's document backstop (100 Mi chars). */
    static final long MAX_BYTES = 64L << 20;

    private static final int MAX_DEFINITION_CHARS = 100_000;
    private static final int MAX_NAME_CHARS = 256;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public record ExportSummary(int rows, int steps) {}

    /** @param newRows rows the target did not hold yet; the others were linked to the import's run, not duplicated */
    public record ImportSummary(int rows, int newRows, int steps, String runId) {}

    private ResultExchange() {}

    /** Writes every stored row, or those of run {@code runId}, to {@code file} in the order they were stored. */
    public static ExportSummary export(ResultStore store, Optional<String> runId, Path file) {
        if (runId.isPresent() && store.run(runId.get()).isEmpty()) {
            throw new IllegalArgumentException("no run '" + runId.get() + "' in the results database " + store.dir());
        }
        List<ResultRow> rows = runId.map(store::rowsOfRun).orElseGet(store::allRows);
        ObjectNode doc = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("version", VERSION)
                .put("exported", Instant.now().toString())
                .put("software", SoftwareVersion.VERSION);
        ArrayNode array = doc.putArray("rows");
        rows.forEach(r -> array.add(toJson(r)));
        try {
            AtomicFileWriter.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new ExportSummary(rows.size(), (int) rows.stream().map(ResultRow::stepKey).distinct().count());
    }

    /**
     * Stores the rows of {@code file} under one new run, step by step; rows already stored (same key: the same
     * measurement) are linked to it, never stored twice. Nothing is stored unless every row is valid.
     */
    public static ImportSummary importFile(ResultStore store, Path file) {
        return importFile(store, file, MAX_BYTES);
    }

    static ImportSummary importFile(ResultStore store, Path file, long maxBytes) {
        Fields doc = new Fields(file, "", parse(file, maxBytes));
        String format = doc.text("format", MAX_NAME_CHARS);
        if (!format.equals(FORMAT)) {
            throw doc.error("format", "expected \"" + FORMAT + "\", found \"" + format + "\"");
        }
        long version = doc.count("version");
        if (version != VERSION) {
            throw doc.error("version", version + " is not supported (this QuantBench reads version " + VERSION + ")");
        }
        Instant exported = doc.instant("exported");
        String software = doc.text("software", MAX_NAME_CHARS);
        JsonNode array = doc.node().get("rows");
        if (array == null || !array.isArray()) {
            throw doc.error("rows", array == null ? "missing" : "not an array");
        }
        Map<StepKey, List<ResultRow>> steps = readSteps(file, array);

        ObjectNode source = JSON.createObjectNode()
                .put("imported_from", file.getFileName().toString())
                .put("exported", exported.toString())
                .put("software", software)
                .put("rows", array.size());
        RunRecord run = store.createRun("imported from " + file.getFileName(), null, source.toString());
        int newRows = 0;
        try {
            for (List<ResultRow> step : steps.values()) {
                newRows += store.saveStep(run.id(), step);
            }
        } catch (RuntimeException e) {
            // Steps stored so far stay (each is whole); left RUNNING, the import would look like a killed run.
            store.finishRun(run.id(), RunStatus.FAILED, e.getMessage());
            throw e;
        }
        ImportSummary summary = new ImportSummary(array.size(), newRows, steps.size(), run.id());
        store.finishRun(run.id(), RunStatus.DONE, summary.rows() + " rows (" + newRows + " new) of " + steps.size()
                + " steps from " + file.getFileName());
        return summary;
    }

    private static ObjectNode toJson(ResultRow r) {
        ObjectNode o = JSON.createObjectNode()
                .put("modelSha256", r.modelSha256())
                .put("modelPath", r.modelPath())
                .put("scheme", r.scheme());
        o.set("schemeJson", r.schemeJson());
        o.put("step", r.step())
                .put("metric", r.metric())
                .put("value", r.value())
                .put("stderr", r.stderr())
                .put("definition", r.definition())
                .put("dataSha256", r.dataSha256())
                .put("dataItems", r.dataItems());
        o.set("extra", r.extra());
        o.set("provenance", r.provenance());
        return o.put("seconds", r.seconds())
                .put("computePath", r.computePath())
                .put("runId", r.runId())
                .put("createdAt", r.createdAt().toString());
    }

    /** Every row, checked, grouped by step in file order; a result that appears twice is an error. */
    private static Map<StepKey, List<ResultRow>> readSteps(Path file, JsonNode array) {
        Map<StepKey, List<ResultRow>> steps = new LinkedHashMap<>();
        Map<ResultKey, Integer> seen = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            ResultRow row = readRow(new Fields(file, "rows[" + i + "].", array.get(i)), i);
            Integer first = seen.putIfAbsent(new ResultKey(row.stepKey(), row.metric()), i);
            if (first != null) {
                // Stored, the second would silently lose to the first: two different numbers cannot share a key.
                throw new IllegalArgumentException(file + ": rows[" + i + "]: the same result (model, scheme, step, metric,"
                        + " definition and data) as rows[" + first + "]");
            }
            steps.computeIfAbsent(row.stepKey(), k -> new ArrayList<>()).add(row);
        }
        return steps;
    }

    /** What ResultStore keys a row by. */
    private record ResultKey(StepKey step, String metric) {}

    private static ResultRow readRow(Fields f, int index) {
        if (!f.node().isObject()) {
            throw new IllegalArgumentException(f.file() + ": rows[" + index + "]: not an object");
        }
        return new ResultRow(f.sha256("modelSha256", false), f.optionalText("modelPath", ResultStore.PATH_CHARS),
                f.text("scheme", ResultStore.SCHEME_CHARS), f.optionalObject("schemeJson"), f.text("step", ResultStore.STEP_CHARS),
                f.text("metric", ResultStore.METRIC_CHARS), f.finite("value"), f.optionalFinite("stderr"),
                f.text("definition", MAX_DEFINITION_CHARS), f.sha256("dataSha256", true), f.count("dataItems"),
                f.optionalObject("extra"), f.optionalObject("provenance"), f.finite("seconds"),
                f.optionalText("computePath", ResultStore.COMPUTE_PATH_CHARS), f.text("runId", ResultStore.ID_CHARS),
                f.instant("createdAt"));
    }

    private static JsonNode parse(Path file, long maxBytes) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": does not exist or is not a file");
        }
        byte[] bytes;
        // Read at most one byte past the cap: a huge (or endless) file is refused without being read whole.
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException(file + ": larger than " + size(maxBytes) + ", the most a results file may have");
        }
        try (JsonParser parser = StrictJson.parser(bytes)) {
            JsonNode root = JSON.readTree(parser);
            if (root == null || !root.isObject() || parser.nextToken() != null) {
                throw new IllegalArgumentException(file + ": not a results file (the top level must be one JSON object)");
            }
            return root;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not valid UTF-8", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    private static String size(long bytes) {
        return bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /** The fields of one JSON object, read with checks; {@code at} is the object's path, e.g. {@code rows[3].}. */
    private record Fields(Path file, String at, JsonNode node) {

        IllegalArgumentException error(String field, String reason) {
            return new IllegalArgumentException(file + ": " + at + field + ": " + reason);
        }

        /** The field's value; absent and JSON null are both null. */
        private JsonNode get(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        private JsonNode required(String field) {
            JsonNode v = get(field);
            if (v == null) {
                throw error(field, "missing");
            }
            return v;
        }

        String text(String field, int maxChars) {
            String s = optionalText(field, maxChars);
            if (s == null) {
                throw error(field, "missing");
            }
            if (s.isEmpty()) {
                throw error(field, "empty");
            }
            return s;
        }

        String optionalText(String field, int maxChars) {
            JsonNode v = get(field);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw error(field, "not a string");
            }
            if (v.textValue().length() > maxChars) {
                throw error(field, "longer than " + maxChars + " characters");
            }
            return v.textValue();
        }

        /** A SHA-256 as 64 lowercase hex digits; the data hash is "" for a step that reads no data. */
        String sha256(String field, boolean emptyAllowed) {
            JsonNode v = required(field);
            if (!v.isTextual() || !(SHA256.matcher(v.textValue()).matches() || emptyAllowed && v.textValue().isEmpty())) {
                throw error(field, "not a SHA-256 (64 lowercase hex digits" + (emptyAllowed ? ", or \"\")" : ")"));
            }
            return v.textValue();
        }

        double finite(String field) {
            Double d = optionalFinite(field);
            if (d == null) {
                throw error(field, "missing");
            }
            return d;
        }

        Double optionalFinite(String field) {
            JsonNode v = get(field);
            if (v == null) {
                return null;
            }
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw error(field, "not a finite number");
            }
            return v.doubleValue();
        }

        long count(String field) {
            JsonNode v = required(field);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw error(field, "not a whole number >= 0");
            }
            return v.longValue();
        }

        JsonNode optionalObject(String field) {
            JsonNode v = get(field);
            if (v != null && !v.isObject()) {
                throw error(field, "not a JSON object");
            }
            return v;
        }

        Instant instant(String field) {
            JsonNode v = required(field);
            String notInstant = "not an ISO-8601 instant (e.g. 2025-01-31T12:00:00Z)";
            if (!v.isTextual()) {
                throw error(field, notInstant);
            }
            try {
                return Instant.parse(v.textValue());
            } catch (DateTimeParseException e) {
                throw error(field, notInstant);
            }
        }
    }
}
