package org.quantbench.eval.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * One item of a task as lm-eval's task configs describe it, before few-shot examples are added. {@code line} is where
 * it starts in its file, for error messages and for telling an item apart from the few-shot examples drawn around it.
 */
public sealed interface Doc {

    int line();

    /** Index of the right answer among {@link #choiceTexts()} (0 for a last-word item). */
    int gold();

    /** The texts lm-eval's {@code acc_norm} measures (the choices, or the partial contexts of a fill-in item). */
    List<String> choiceTexts();

    /** The item with its answer, as a few-shot example shows it. */
    String answered(String targetDelimiter);

    /** The requests to score, each context starting with {@code prefix} (description and few-shot examples). */
    List<Request> requests(String prefix, String targetDelimiter);

    /** A question with answer choices: each choice is a continuation of the same context. */
    record Choice(int line, String query, List<String> choices, int gold) implements Doc {
        public Choice {
            choices = List.copyOf(choices);
        }

        @Override
        public List<String> choiceTexts() { return choices; }

        @Override
        public String answered(String targetDelimiter) {
            return query + targetDelimiter + choices.get(gold);
        }

        @Override
        public List<Request> requests(String prefix, String targetDelimiter) {
            List<Request> out = new ArrayList<>(choices.size());
            for (String choice : choices) {
                out.add(new Request(prefix + query, targetDelimiter + choice));
            }
            return out;
        }
    }

    /**
     * A fill-in-the-blank item scored by partial evaluation (WinoGrande): each option completes the text before the
     * blank to its own context, and the same text after the blank is the continuation scored under each.
     */
    record Fill(int line, List<String> contexts, String target, int gold) implements Doc {
        public Fill {
            contexts = List.copyOf(contexts);
        }

        @Override
        public List<String> choiceTexts() { return contexts; }

        @Override
        public String answered(String targetDelimiter) {
            return contexts.get(gold) + targetDelimiter + target;
        }

        @Override
        public List<Request> requests(String prefix, String targetDelimiter) {
            List<Request> out = new ArrayList<>(contexts.size());
            for (String context : contexts) {
                out.add(new Request(prefix + context, targetDelimiter + target));
            }
            return out;
        }
    }

    /** A passage whose last word is predicted (LAMBADA): {@code target} carries its own leading space. */
    record LastWord(int line, String context, String target) implements Doc {
        @Override
        public int gold() { return 0; }

        @Override
        public List<String> choiceTexts() { return List.of(target); }

        @Override
        public String answered(String targetDelimiter) {
            return context + target;
        }

        @Override
        public List<Request> requests(String prefix, String targetDelimiter) {
            return List.of(new Request(prefix + context, target));
        }
    }
}
