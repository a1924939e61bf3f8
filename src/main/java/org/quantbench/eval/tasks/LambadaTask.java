package org.quantbench.eval.tasks;

import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LAMBADA-style last-word prediction, as lm-eval's {@code lambada_openai.yaml}: the context is the passage up to its
 * last space, the continuation {@code " " + last word}; {@code acc} counts passages whose every continuation token
 * is the greedy choice. Reads JSONL with a {@code text} field, or (any other extension) one passage per line.
 */
public final class LambadaTask {
    private LambadaTask() {}

    public static Task load(String name, Path file) {
        List<Doc> docs = new ArrayList<>();
        if (file.getFileName().toString().endsWith(".jsonl")) {
            for (JsonRow row : JsonLines.read(file)) {
                docs.add(doc(row.position(), row.text("text")));
            }
        } else {
            try (LineReader lines = new LineReader(file)) {
                for (byte[] bytes; (bytes = lines.next()) != null; ) {
                    if (!LineReader.isBlank(bytes)) {
                        docs.add(doc(new RowPosition(file, lines.lineNumber()), lines.decode(bytes, lines.lineNumber())));
                    }
                }
            }
        }
        if (docs.isEmpty()) {
            throw new FileFormatException(file, "file", "holds no passages");
        }
        return Task.of(name, TaskKind.LAST_WORD, "", "context = passage up to its last space, continuation ' {last word}' "
                + "(lm-eval lambada_openai.yaml); acc = all continuation tokens greedy, perplexity = exp(-mean log-likelihood)",
                docs, null, FewShotSampling.SEEDED_RANDOM, false, List.of(file), null);
    }

    private static Doc doc(RowPosition where, String text) {
        int space = text.lastIndexOf(' ');
        String last = text.substring(space + 1);
        if (last.isEmpty()) {
            throw where.error(text.isEmpty() ? "the passage is empty" : "the passage ends with a space: no last word");
        }
        return new Doc.LastWord(where.line(), space < 0 ? "" : text.substring(0, space), " " + last);
    }
}
