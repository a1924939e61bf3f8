package org.quantbench.eval.tasks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quantbench.model.json.CheckedObject;
import org.quantbench.model.json.StrictJson;
import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A multiple-choice task over the user's own JSONL or CSV file, described by a small JSON spec:
 * <pre>
 * {
 *   "name": "my_task",
 *   "file": "items.jsonl",                      (relative to the spec's folder; .jsonl or .csv)
 *   "csv_header": true,                         (CSV: the first record names the columns; false: columns "0", "1", ..)
 *   "context": "Question: {question}\nAnswer:", (a template: {field} inserts a field, dotted paths for JSON)
 *   "choices": ["{sol1}", "{sol2}"],            (one template per choice, or:)
 *   "choices_field": "endings",                 (a field holding an array of strings)
 *   "gold": "label",                            (the field naming the right choice)
 *   "labels": ["A", "B", "C", "D"],             (gold values in choice order; without: gold is a 0-based index)
 *   "description": "",  "target_delimiter": " ",  "fewshot_delimiter": "\n\n",
 *   "fewshot_file": "dev.jsonl",  "fewshot_sampling": "first_n" | "random"
 * }
 * </pre>
 * Each choice is scored as the continuation {@code target_delimiter + choice} of the context, as lm-eval does.
 */
public final class TaskSpec {
    private static final Set<String> KEYS = Set.of("name", "file", "csv_header", "context", "choices", "choices_field",
            "gold", "labels", "description", "target_delimiter", "fewshot_delimiter", "fewshot_file", "fewshot_sampling");

    private TaskSpec() {}

    public static Task load(Path specFile) {
        CheckedObject spec = StrictJson.readObjectFile(specFile);
        for (String key : spec.fieldNames()) {
            if (!KEYS.contains(key)) {
                throw spec.error(key, "is not a task spec key (known: " + KEYS.stream().sorted().toList() + ")");
            }
        }
        String name = spec.string("name");
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw spec.error("name", "must be 1-64 letters, digits, '_', '.' or '-'");
        }
        Path dir = specFile.toAbsolutePath().getParent();
        Path file = dir.resolve(spec.string("file"));
        boolean header = spec.optionalBoolean("csv_header").orElse(true);
        Template context = template(spec, "context", spec.string("context"));
        if (spec.has("choices") == spec.has("choices_field")) {
            throw spec.error("choices", "give exactly one of 'choices' (templates) and 'choices_field'");
        }
        List<Template> choiceTemplates = new ArrayList<>();
        if (spec.has("choices")) {
            for (String t : spec.strings("choices")) {
                choiceTemplates.add(template(spec, "choices", t));
            }
            if (choiceTemplates.size() < 2) {
                throw spec.error("choices", "needs at least two choices");
            }
        }
        String choicesField = spec.optionalString("choices_field").orElse(null);
        String gold = spec.string("gold");
        List<String> labels = spec.has("labels") ? spec.strings("labels") : null;
        if (labels != null && new HashSet<>(labels).size() != labels.size()) {
            throw spec.error("labels", "repeat a value");
        }
        String sampling = spec.optionalString("fewshot_sampling").orElse("random");
        if (!sampling.equals("random") && !sampling.equals("first_n")) {
            throw spec.error("fewshot_sampling", "must be 'random' or 'first_n'");
        }
        Items items = new Items(context, choiceTemplates, choicesField, gold, labels, header);
        List<Doc> docs = items.read(file);
        List<Path> files = new ArrayList<>(List.of(specFile, file));
        List<Doc> pool = null;
        if (spec.has("fewshot_file")) {
            Path fewShot = dir.resolve(spec.string("fewshot_file"));
            pool = items.read(fewShot);
            files.add(fewShot);
        }
        String format = "context '" + spec.string("context") + "', choices " + (choicesField != null
                ? "from field '" + choicesField + "'" : spec.strings("choices").toString()) + ", gold '" + gold + "'"
                + (labels != null ? " labels " + labels : " (0-based index)") + " (task spec " + specFile.getFileName() + ")";
        return new Task(name, TaskKind.MULTIPLE_CHOICE, spec.optionalString("description").orElse(""), format, docs, pool,
                sampling.equals("first_n") ? FewShotSampling.FIRST_N : FewShotSampling.SEEDED_RANDOM,
                spec.optionalString("target_delimiter").orElse(" "), spec.optionalString("fewshot_delimiter").orElse("\n\n"),
                true, files, null);
    }

    private static Template template(CheckedObject spec, String key, String text) {
        try {
            return new Template(text);
        } catch (IllegalArgumentException e) {
            throw spec.error(key, "template '" + text + "': " + e.getMessage());
        }
    }

    /** How the spec turns rows into items. */
    private record Items(Template context, List<Template> choices, String choicesField, String gold,
                         List<String> labels, boolean header) {

        List<Doc> read(Path file) {
            String ext = file.getFileName().toString().toLowerCase(Locale.ROOT);
            List<JsonRow> rows = ext.endsWith(".csv") ? csvRows(file) : ext.endsWith(".jsonl") ? JsonLines.read(file) : null;
            if (rows == null) {
                throw new FileFormatException(file, "file", "must end in .jsonl or .csv");
            }
            List<Doc> docs = new ArrayList<>(rows.size());
            for (JsonRow row : rows) {
                List<String> texts = new ArrayList<>();
                if (choicesField != null) {
                    texts.addAll(row.texts(choicesField));
                } else {
                    for (Template t : choices) {
                        texts.add(t.render(row));
                    }
                }
                Choices.check(row.position(), texts);
                String goldText = row.scalar(gold);
                int index = labels != null ? Choices.indexOf(row.position(), "gold", labels, goldText)
                        : Choices.inRange(row.position(), "gold", row.index(gold), texts.size());
                if (index >= texts.size()) {
                    throw row.error("gold '" + goldText + "' names choice " + index + " of " + texts.size());
                }
                docs.add(new Doc.Choice(row.line(), context.render(row), texts, index));
            }
            return docs;
        }

        /** CSV records as JSON rows keyed by the header's names, or by column number. */
        private List<JsonRow> csvRows(Path file) {
            List<JsonRow> rows = new ArrayList<>();
            try (CsvReader csv = new CsvReader(file)) {
                List<String> names = null;
                for (CsvReader.Record r; (r = csv.next()) != null; ) {
                    if (names == null) {
                        names = header ? r.fields() : numbered(r.fields().size());
                        if (new HashSet<>(names).size() != names.size()) {
                            throw new RowPosition(file, r.line()).error("the header repeats a column name");
                        }
                        if (header) {
                            continue;
                        }
                    }
                    if (r.fields().size() != names.size()) {
                        throw new RowPosition(file, r.line()).error("has " + r.fields().size() + " fields, expected "
                                + names.size());
                    }
                    ObjectNode node = JsonNodeFactory.instance.objectNode();
                    for (int i = 0; i < names.size(); i++) {
                        node.put(names.get(i), r.fields().get(i));
                    }
                    rows.add(new JsonRow(file, r.line(), node));
                }
            }
            return rows;
        }

        private static List<String> numbered(int n) {
            List<String> names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                names.add(Integer.toString(i));
            }
            return names;
        }
    }
}
