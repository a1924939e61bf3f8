package org.quantbench.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a text into words before byte-level BPE, which never merges across words. The steps mirror HF
 * tokenizers' pre-tokenizers (Split, Digits, ByteLevel's regex and prefix space, Sequence); the named presets
 * are the ones GGUF's {@code tokenizer.ggml.pre} selects.
 */
public sealed interface PreTokenizer {

    String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Calls {@code out} with each word of {@code text}, in order; the words are never empty. */
    void split(String text, Consumer<String> out);

    default List<String> split(String text) {
        List<String> words = new ArrayList<>();
        split(text, words::add);
        return words;
    }

    static PreTokenizer gpt2() { return RegexSplit.isolating(GPT2_PATTERN); }

    static PreTokenizer llama3() { return RegexSplit.isolating(LLAMA3_PATTERN); }

    static PreTokenizer qwen2() { return RegexSplit.isolating(QWEN2_PATTERN); }

    /** SmolLM's: every digit a word of its own, then GPT-2's regex. */
    static PreTokenizer smollm() {
        return new Sequence(List.of(RegexSplit.isolating("\\p{N}"), gpt2()));
    }

    /** The preset a GGUF {@code tokenizer.ggml.pre} name stands for. */
    static PreTokenizer forGgufName(String name) {
        return switch (name == null ? "default" : name) {
            case "default", "gpt2", "gpt-2" -> gpt2();
            case "llama-bpe", "llama3", "llama-v3" -> llama3();
            case "qwen2" -> qwen2();
            case "smollm" -> smollm();
            default -> throw new IllegalArgumentException("tokenizer.ggml.pre: unsupported pre-tokenizer '" + name
                    + "' (supported: default, gpt2, gpt-2, llama-bpe, llama3, qwen2, smollm)");
        };
    }

    /**
     * The {@code tokenizer.ggml.pre} name of the preset this pre-tokenizer is, step for step ("gpt-2" as llama.cpp spells it, "llama-bpe",
     * "qwen2" or "smollm"), however it was built; empty when it is none of them.
     */
    static Optional<String> ggufNameOf(PreTokenizer pre) {
        List<PreTokenizer> steps = steps(pre);
        for (String name : List.of("gpt-2", "llama-bpe", "qwen2", "smollm")) {
            List<PreTokenizer> preset = steps(forGgufName(name));
            boolean same = preset.size() == steps.size();
            for (int i = 0; same && i < steps.size(); i++) {
                same = sameStep(steps.get(i), preset.get(i));
            }
            if (same) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static List<PreTokenizer> steps(PreTokenizer pre) {
        if (!(pre instanceof Sequence sequence)) {
            return List.of(pre);
        }
        List<PreTokenizer> flat = new ArrayList<>();
        sequence.steps().forEach(step -> flat.addAll(steps(step)));
        return flat;
    }

    /** Records compare their fields, but a {@link Pattern} only by identity, hence regexes by text and flags. */
    private static boolean sameStep(PreTokenizer a, PreTokenizer b) {
        if (a instanceof RegexSplit x && b instanceof RegexSplit y) {
            return x.pattern().pattern().equals(y.pattern().pattern()) && x.pattern().flags() == y.pattern().flags()
                    && x.behavior() == y.behavior() && x.invert() == y.invert();
        }
        return a.equals(b);
    }

    /** What happens to the parts a pattern matches (HF's SplitDelimiterBehavior). */
    enum Behavior { ISOLATED, REMOVED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS }

    /**
     * Splits at the matches of a regex. Patterns use Java syntax with Unicode character classes, which agrees
     * with Oniguruma's on the patterns tokenizers use ({@code \s} is White_Space, {@code \p{N}} is Nd+Nl+No).
     * With {@code invert}, the matches are the words and the text between them the delimiters.
     */
    record RegexSplit(Pattern pattern, Behavior behavior, boolean invert) implements PreTokenizer {

        static RegexSplit isolating(String regex) {
            return new RegexSplit(compile(regex), Behavior.ISOLATED, false);
        }

        static Pattern compile(String regex) {
            return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        }

        @Override
        public void split(String text, Consumer<String> out) {
            Matcher m = pattern.matcher(text);
            int end = 0;
            // Pieces are emitted one behind, so MERGED_WITH_* and CONTIGUOUS can join a delimiter to a neighbour.
            Pending pending = new Pending(text, out);
            while (m.find()) {
                if (m.start() == m.end()) {
                    continue;
                }
                if (end < m.start()) {
                    pending.piece(end, m.start(), invert);
                }
                pending.piece(m.start(), m.end(), !invert);
                end = m.end();
            }
            if (end < text.length()) {
                pending.piece(end, text.length(), invert);
            }
            pending.flush();
        }

        /** The last piece, held back until it is known whether the next one joins it. */
        private final class Pending {
            private final String text;
            private final Consumer<String> out;
            private int start = -1;
            private int end;
            private boolean lastWasDelimiter;

            Pending(String text, Consumer<String> out) {
                this.text = text;
                this.out = out;
            }

            void piece(int from, int to, boolean isDelimiter) {
                boolean joins = start >= 0 && switch (behavior) {
                    case MERGED_WITH_PREVIOUS -> isDelimiter && !lastWasDelimiter;
                    case MERGED_WITH_NEXT -> !isDelimiter && lastWasDelimiter;
                    case CONTIGUOUS -> isDelimiter && lastWasDelimiter;
                    case ISOLATED, REMOVED -> false;
                };
                lastWasDelimiter = isDelimiter;
                if (joins) {
                    end = to;
                    return;
                }
                flush();
                if (!(isDelimiter && behavior == Behavior.REMOVED)) {
                    start = from;
                    end = to;
                }
            }

            void flush() {
                if (start >= 0) {
                    out.accept(text.substring(start, end));
                    start = -1;
                }
            }
        }
    }

    /** ByteLevel's add_prefix_space: a word that does not start with a space gets one. */
    record PrefixSpace() implements PreTokenizer {
        @Override
        public void split(String text, Consumer<String> out) {
            out.accept(text.startsWith(" ") ? text : " " + text);
        }
    }

    /** A Unicode normalization of the whole text (HF's NFC/NFKC/... normalizers), which it passes on as one word. */
    record Normalize(java.text.Normalizer.Form form) implements PreTokenizer {
        @Override
        public void split(String text, Consumer<String> out) {
            String normalized = java.text.Normalizer.normalize(text, form);
            if (!normalized.isEmpty()) {
                out.accept(normalized);
            }
        }
    }

    /** Each step splits every word the previous step produced. */
    record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
        public Sequence {
            steps = List.copyOf(steps);
        }

        @Override
        public void split(String text, Consumer<String> out) {
            splitFrom(0, text, out);
        }

        private void splitFrom(int step, String text, Consumer<String> out) {
            if (step == steps.size()) {
                out.accept(text);
            } else {
                steps.get(step).split(text, word -> splitFrom(step + 1, word, out));
            }
        }
    }
}
