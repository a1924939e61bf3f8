package org.quantbench.model.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits special tokens out of a text before BPE sees it: at each position the longest special token that
 * starts there wins. Control and unknown tokens are matched only when the caller parses specials; user-defined
 * tokens always (llama.cpp and HF tokenizers agree on this).
 */
final class SpecialTokenSplitter {

    /** Receives the pieces of a text in order. */
    interface Sink {
        void text(String text, int start, int end);

        void token(int id);
    }

    private record Candidate(String text, int id, boolean always) {}

    /** Candidates by first character, longest first. */
    private final Map<Character, List<Candidate>> byFirstChar = new HashMap<>();

    SpecialTokenSplitter(List<String> tokens, TokenType[] types) {
        for (int id = 0; id < tokens.size(); id++) {
            String text = tokens.get(id);
            if (types[id].special() && !text.isEmpty()) {
                byFirstChar.computeIfAbsent(text.charAt(0), c -> new ArrayList<>())
                        .add(new Candidate(text, id, types[id] == TokenType.USER_DEFINED));
            }
        }
        for (List<Candidate> list : byFirstChar.values()) {
            list.sort(Comparator.comparingInt((Candidate c) -> c.text().length()).reversed()
                    .thenComparingInt(Candidate::id));
        }
    }

    void split(String text, boolean parseSpecial, Sink sink) {
        int plainStart = 0;
        int i = 0;
        while (i < text.length()) {
            Candidate match = matchAt(text, i, parseSpecial);
            if (match == null) {
                i++;
                continue;
            }
            if (plainStart < i) {
                sink.text(text, plainStart, i);
            }
            sink.token(match.id());
            i += match.text().length();
            plainStart = i;
        }
        if (plainStart < text.length()) {
            sink.text(text, plainStart, text.length());
        }
    }

    private Candidate matchAt(String text, int at, boolean parseSpecial) {
        List<Candidate> candidates = byFirstChar.get(text.charAt(at));
        if (candidates == null) {
            return null;
        }
        for (Candidate c : candidates) {
            if ((parseSpecial || c.always()) && text.startsWith(c.text(), at)) {
                return c;
            }
        }
        return null;
    }
}
