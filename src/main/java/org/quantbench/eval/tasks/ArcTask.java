package org.quantbench.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ARC-Easy and ARC-Challenge in the official JSONL schema ({@code question.stem}, {@code question.choices[{text,
 * label}]}, {@code answerKey}), prompted as lm-eval's {@code arc_easy.yaml}: context {@code "Question: {stem}\nAnswer:"},
 * continuation {@code " {choice}"}.
 */
public final class ArcTask {
    private ArcTask() {}

    public static Task load(String name, Path file) {
        List<Doc> docs = new ArrayList<>();
        for (JsonRow row : JsonLines.read(file)) {
            String stem = row.text("question.stem");
            JsonNode choiceNodes = row.array("question.choices");
            List<String> texts = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < choiceNodes.size(); i++) {
                JsonNode c = choiceNodes.get(i);
                JsonNode text = c.get("text");
                JsonNode label = c.get("label");
                if (text == null || !text.isTextual() || label == null || !label.isValueNode() || label.isNull()) {
                    throw row.error("question.choices[" + i + "] needs a string 'text' and a 'label'");
                }
                texts.add(text.textValue());
                labels.add(label.asText());
            }
            Choices.check(row.position(), texts);
            int gold = Choices.indexOf(row.position(), "answerKey", labels, row.scalar("answerKey"));
            docs.add(new Doc.Choice(row.line(), "Question: " + stem + "\nAnswer:", texts, gold));
        }
        return Task.of(name, TaskKind.MULTIPLE_CHOICE, "", "context 'Question: {stem}\\nAnswer:', continuations ' {choice}' (lm-eval arc_easy.yaml)",
                docs, null, FewShotSampling.SEEDED_RANDOM, true, List.of(file), null);
    }
}
