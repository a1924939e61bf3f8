package org.quantbench.workbench.measure;

import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.TextDocuments;
import org.quantbench.eval.TokenWindows;
import org.quantbench.model.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokens a perplexity or KLD measurement scores: a text read (optionally cut into documents), tokenized, and its
 * {@link PerplexityDefinition} with the context capped at the model's; {@code maxWindows} keeps only the first
 * windows by cutting the documents after the last of them (earlier windows do not change).
 */
public record TextScoring(Path text, int ctx, Integer stride, Boolean bos, int maxTokens, int maxWindows, long maxBytes,
                          String split) {

    /** The definition on a model with {@code maxSeqLen} positions; BOS defaults to the tokenizer's add_bos_token. */
    public PerplexityDefinition definition(Tokenizer tokenizer, int maxSeqLen) {
        int context = Math.min(ctx, maxSeqLen);
        return new PerplexityDefinition(context, stride != null ? Math.min(stride, context) : context,
                bos != null ? bos : tokenizer.addBos(), maxTokens);
    }

    /** The documents' token ids, cut to the first {@code maxWindows} windows of {@code definition}. */
    public List<int[]> documents(Tokenizer tokenizer, PerplexityDefinition definition) {
        List<int[]> docs = new ArrayList<>();
        for (String doc : TextDocuments.read(text, split, split != null, maxBytes)) {
            docs.add(tokenizer.encode(doc, false));
        }
        if (maxWindows == 0) {
            return docs;
        }
        TokenWindows all = new TokenWindows(definition, docs, tokenizer.bosId());
        if (all.windows().size() <= maxWindows) {
            return all.documents();
        }
        TokenWindows.Window last = all.windows().get(maxWindows - 1);
        List<int[]> kept = new ArrayList<>(all.documents().subList(0, last.doc()));
        kept.add(java.util.Arrays.copyOf(all.documents().get(last.doc()), last.end()));
        return kept;
    }

    /** The definition in words, with the window limit and text cuts it is taken under. */
    public String describe(PerplexityDefinition definition) {
        return definition.describe() + (maxWindows > 0 ? ", first " + maxWindows + " windows" : "")
                + (maxBytes > 0 ? ", first " + maxBytes + " bytes of the text" : "")
                + (split != null ? ", documents split at lines '" + split + "' and stripped" : ", the text as one document");
    }
}
