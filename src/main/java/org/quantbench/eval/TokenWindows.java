package org.quantbench.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * The windows and scored tokens of a {@link PerplexityDefinition}, as {@link PerplexityEvaluator}
 * walks them: documents cut to {@code maxTokens}, windows of {@code contextLength} tokens every {@code stride} tokens
 * (BOS first when the definition asks), each token scored once, by the first window that gives it context.
 */
public final class TokenWindows {

    /** Window over {@code doc[start, end)} of document {@code doc}, scoring targets {@code [firstScored, end)}. */
    public record Window(int doc, int start, int end, int firstScored) {
        public int scored() { return end - firstScored; }
    }

    private final PerplexityDefinition definition;
    private final List<int[]> documents;
    private final List<Window> windows;
    private final OptionalInt bosId;

    public TokenWindows(PerplexityDefinition definition, List<int[]> documents, OptionalInt bosId) {
        if (definition.bos() && bosId.isEmpty()) {
            throw new IllegalArgumentException("the definition asks for BOS but the tokenizer has none");
        }
        this.definition = definition;
        this.bosId = bosId;
        List<int[]> docs = new ArrayList<>(documents.size());
        for (int[] all : documents) {
            docs.add(definition.maxTokens() > 0 && all.length > definition.maxTokens()
                    ? Arrays.copyOf(all, definition.maxTokens()) : all);
        }
        this.documents = List.copyOf(docs);
        this.windows = plan();
    }

    private List<Window> plan() {
        List<Window> out = new ArrayList<>();
        int lead = lead();
        int span = definition.contextLength() - lead;
        for (int d = 0; d < documents.size(); d++) {
            int length = documents.get(d).length;
            int scoredUpTo = 0;
            for (int s = 0; Math.min(s + span, length) > Math.max(scoredUpTo, s + 1 - lead); s += definition.stride()) {
                int end = Math.min(s + span, length);
                int first = Math.max(scoredUpTo, s + 1 - lead);
                out.add(new Window(d, s, end, first));
                scoredUpTo = end;
            }
        }
        return List.copyOf(out);
    }

    public PerplexityDefinition definition() { return definition; }

    public List<Window> windows() { return windows; }

    public List<int[]> documents() { return documents; }

    /** 1 when each window starts with BOS. */
    public int lead() { return definition.bos() ? 1 : 0; }

    public long scoredTokens() {
        long n = 0;
        for (Window w : windows) {
            n += w.scored();
        }
        return n;
    }

    /** The tokens the model sees for {@code w}: BOS (if any) then the document's slice. */
    public int[] input(Window w) {
        int lead = lead();
        int[] input = new int[lead + w.end() - w.start()];
        if (lead == 1) {
            input[0] = bosId.getAsInt();
        }
        System.arraycopy(documents.get(w.doc()), w.start(), input, lead, w.end() - w.start());
        return input;
    }

    /** The document index predicted from window position {@code i}. */
    public int target(Window w, int i) {
        return w.start() + i - lead() + 1;
    }
}
