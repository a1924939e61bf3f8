package org.quantbench.model.tokenizer;

/**
 * Java strings may hold lone surrogates, which have no UTF-8 form ({@code getBytes} would turn them into '?').
 * Tokenizers see them as U+FFFD, the character a UTF-8 decoder gives for malformed input.
 */
final class WellFormedText {
    private WellFormedText() {}

    static String of(String text) {
        int bad = firstLoneSurrogate(text, 0);
        if (bad < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (bad >= 0) {
            out.append(text, from, bad).append('\uFFFD');
            from = bad + 1;
            bad = firstLoneSurrogate(text, from);
        }
        return out.append(text, from, text.length()).toString();
    }

    private static int firstLoneSurrogate(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
