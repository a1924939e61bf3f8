package org.quantbench.eval.tasks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HellaSwag-format JSONL ({@code activity_label}, {@code ctx_a}, {@code ctx_b}, {@code endings}, {@code label}) with
 * lm-eval's preprocessing: context {@code "{activity_label}: {ctx_a} {Ctx_b}"} ({@code ctx_b} capitalized as Python's
 * {@code str.capitalize}), and on context and endings: strip, {@code " [title]"} becomes {@code ". "}, bracketed
 * artifacts removed, double spaces halved.
 */
public final class HellaswagTask {
    private HellaswagTask() {}

    public static Task load(String name, Path file) {
        List<Doc> docs = new ArrayList<>();
        for (JsonRow row : JsonLines.read(file)) {
            String ctx = row.text("ctx_a") + " " + capitalize(row.text("ctx_b"));
            String query = preprocess(row.text("activity_label") + ": " + ctx);
            List<String> endings = new ArrayList<>();
            for (String ending : row.texts("endings")) {
                endings.add(preprocess(ending));
            }
            Choices.check(row.position(), endings);
            int gold = Choices.inRange(row.position(), "label", row.index("label"), endings.size());
            docs.add(new Doc.Choice(row.line(), query, endings, gold));
        }
        return Task.of(name, TaskKind.MULTIPLE_CHOICE, "", "context '{activity_label}: {ctx_a} {Ctx_b}', continuations "
                + "' {ending}', both preprocessed as lm-eval hellaswag utils.py", docs, null,
                FewShotSampling.SEEDED_RANDOM, true, List.of(file), null);
    }

    static String preprocess(String text) {
        String t = text.strip().replace(" [title]", ". ");
        t = t.replaceAll("\\[.*?\\]", "");
        return t.replace("  ", " ");
    }

    /** Python's {@code str.capitalize}: the first character in title case, the rest in lower case. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(n).toLowerCase(Locale.ROOT)).toString();
    }
}
