package org.quantbench.eval.tasks;

import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * MMLU from the original CSV release ({@code {dev,val,test}/{subject}_{split}.csv}, rows {@code question,A,B,C,D,answer}
 * without a header), one task per subject in group {@code mmlu}, prompted as lm-eval's {@code mmlu/default}
 * template: the description {@code "The following are multiple choice questions (with answers) about {subject}.\n\n"},
 * then {@code "{question}\nA. ..\nB. ..\nC. ..\nD. ..\nAnswer:"} with continuations {@code " A"} .. {@code " D"};
 * k-shot examples are the first k rows of the subject's dev split.
 */
public final class MmluTask {
    static final List<String> LETTERS = List.of("A", "B", "C", "D");

    private MmluTask() {}

    /** Every subject found in {@code root/split}, in name order. */
    public static List<Task> loadAll(Path root, String split) {
        Path dir = root.resolve(split);
        String suffix = "_" + split + ".csv";
        List<String> subjects;
        try (Stream<Path> files = Files.list(dir)) {
            subjects = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList();
        } catch (IOException e) {
            throw new FileFormatException(dir, "folder", "cannot be listed: " + e.getMessage(), e);
        }
        if (subjects.isEmpty()) {
            throw new FileFormatException(dir, "folder", "holds no *" + suffix + " files");
        }
        List<Task> tasks = new ArrayList<>(subjects.size());
        for (String subject : subjects) {
            tasks.add(load(root, split, subject));
        }
        return tasks;
    }

    public static Task load(Path root, String split, String subject) {
        Path file = root.resolve(split).resolve(subject + "_" + split + ".csv");
        Path dev = root.resolve("dev").resolve(subject + "_dev.csv");
        List<Doc> docs = read(file);
        boolean hasDev = !split.equals("dev") && Files.isRegularFile(dev);
        List<Doc> pool = hasDev ? read(dev) : split.equals("dev") ? null : List.of();
        List<Path> files = hasDev ? List.of(file, dev) : List.of(file);
        return Task.of("mmlu_" + subject, TaskKind.MULTIPLE_CHOICE,
                "The following are multiple choice questions (with answers) about " + subject.replace('_', ' ') + ".\n\n",
                "'{question}\\nA. {A}\\nB. {B}\\nC. {C}\\nD. {D}\\nAnswer:' with continuations ' A'..' D' after the subject "
                        + "description (lm-eval mmlu default template); k-shot from dev, first k",
                docs, pool, FewShotSampling.FIRST_N, true, files, "mmlu");
    }

    private static List<Doc> read(Path file) {
        List<Doc> docs = new ArrayList<>();
        try (CsvReader csv = new CsvReader(file)) {
            for (CsvReader.Record r; (r = csv.next()) != null; ) {
                RowPosition where = new RowPosition(file, r.line());
                List<String> f = r.fields();
                if (f.size() != 6) {
                    throw where.error("has " + f.size() + " fields, expected 6 (question,A,B,C,D,answer)");
                }
                List<String> options = Choices.check(where, f.subList(1, 5));
                int gold = Choices.indexOf(where, "answer", LETTERS, f.get(5).strip());
                String query = f.get(0).strip() + "\nA. " + options.get(0) + "\nB. " + options.get(1)
                        + "\nC. " + options.get(2) + "\nD. " + options.get(3) + "\nAnswer:";
                docs.add(new Doc.Choice(r.line(), query, LETTERS, gold));
            }
        }
        return docs;
    }
}
