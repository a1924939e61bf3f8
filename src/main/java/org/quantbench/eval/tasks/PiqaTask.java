package org.quantbench.eval.tasks;

import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PIQA: {@code goal}, {@code sol1}, {@code sol2} per JSONL row and the labels (0 or 1) one per line of a separate
 * file, paired by order; prompted as lm-eval's {@code piqa.yaml}: {@code "Question: {goal}\nAnswer:"} + {@code " {sol}"}.
 */
public final class PiqaTask {
    private PiqaTask() {}

    public static Task load(String name, Path file, Path labelsFile) {
        List<JsonRow> rows = JsonLines.read(file);
        List<Integer> labels = readLabels(labelsFile);
        if (labels.size() != rows.size()) {
            throw new FileFormatException(labelsFile, "labels", "holds " + labels.size() + " labels for the "
                    + rows.size() + " rows of " + file);
        }
        List<Doc> docs = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonRow row = rows.get(i);
            List<String> sols = Choices.check(row.position(), List.of(row.text("sol1"), row.text("sol2")));
            docs.add(new Doc.Choice(row.line(), "Question: " + row.text("goal") + "\nAnswer:", sols, labels.get(i)));
        }
        return Task.of(name, TaskKind.MULTIPLE_CHOICE, "", "context 'Question: {goal}\\nAnswer:', continuations ' {sol1}', ' {sol2}' (lm-eval piqa.yaml)",
                docs, null, FewShotSampling.SEEDED_RANDOM, true, List.of(file, labelsFile), null);
    }

    /** One label per line, 0 or 1; blank lines only at the end. */
    private static List<Integer> readLabels(Path labelsFile) {
        List<Integer> labels = new ArrayList<>();
        int blankAt = 0;
        try (LineReader lines = new LineReader(labelsFile)) {
            for (byte[] bytes; (bytes = lines.next()) != null; ) {
                String text = lines.decode(bytes, lines.lineNumber()).strip();
                if (text.isEmpty()) {
                    blankAt = blankAt == 0 ? lines.lineNumber() : blankAt;
                    continue;
                }
                if (blankAt != 0) {
                    throw new FileFormatException(labelsFile, "line " + blankAt, "is blank: labels pair with rows by line");
                }
                if (!text.equals("0") && !text.equals("1")) {
                    throw new FileFormatException(labelsFile, "line " + lines.lineNumber(), "label '"
                            + JsonRow.brief(text) + "' is out of range (0 or 1)");
                }
                labels.add(text.charAt(0) - '0');
            }
        }
        return labels;
    }
}
