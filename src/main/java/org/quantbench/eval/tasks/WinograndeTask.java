package org.quantbench.eval.tasks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * WinoGrande ({@code sentence} with one {@code _}, {@code option1}, {@code option2}, {@code answer} "1"/"2") with
 * lm-eval's partial scoring: each option fills the blank to give its own context (the sentence up to the blank),
 * and the rest of the sentence after the blank, stripped, is the continuation scored under each context.
 */
public final class WinograndeTask {
    private WinograndeTask() {}

    public static Task load(String name, Path file) {
        List<Doc> docs = new ArrayList<>();
        for (JsonRow row : JsonLines.read(file)) {
            String sentence = row.text("sentence");
            int blank = sentence.indexOf('_');
            if (blank < 0) {
                throw row.error("sentence has no blank '_'");
            }
            String target = sentence.substring(blank + 1).strip();
            if (target.isEmpty()) {
                throw row.error("nothing follows the blank to score");
            }
            String before = sentence.substring(0, blank);
            List<String> options = Choices.check(row.position(), List.of(row.text("option1"), row.text("option2")));
            String answer = row.scalar("answer").strip();
            if (answer.isEmpty()) {
                throw row.error("answer is empty (unlabelled split?)");
            }
            int gold = Choices.indexOf(row.position(), "answer", List.of("1", "2"), answer);
            docs.add(new Doc.Fill(row.line(), List.of(before + options.get(0), before + options.get(1)), target, gold));
        }
        return Task.of(name, TaskKind.MULTIPLE_CHOICE, "", "partial scoring: contexts '{sentence up to _}{option}', "
                + "continuation ' {rest of the sentence}' (lm-eval winogrande); acc only", docs, null,
                FewShotSampling.SEEDED_RANDOM, false, List.of(file), null);
    }
}
