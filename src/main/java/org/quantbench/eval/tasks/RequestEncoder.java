package org.quantbench.eval.tasks;

import org.quantbench.model.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * Tokenizes requests the way lm-eval's causal-LM {@code _encode_pair} does: trailing whitespace of the context moves
 * to the front of the continuation; context + continuation is encoded as one string and the continuation is what
 * follows the context's own token count, so a word boundary is tokenized as in running text. Both encodings carry BOS
 * when the tokenizer's {@code add_bos_token} says so (as HF's {@code encode} does); an empty context becomes BOS
 * alone (EOS where the model has no BOS), as lm-eval's {@code prefix_token_id}. Special-token text in the data is
 * tokenized as plain text.
 */
public final class RequestEncoder {
    private final Tokenizer tokenizer;

    public RequestEncoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public EncodedRequest encode(Request request) {
        String context = request.context();
        String continuation = request.continuation();
        if (context.isEmpty()) {
            int prefix = tokenizer.bosId().isPresent() ? tokenizer.bosId().getAsInt()
                    : tokenizer.eosId().orElseThrow(() -> new IllegalArgumentException(
                            "an empty context needs a BOS or EOS token, and the tokenizer has neither"));
            int[] cont = tokenizer.encode(continuation, false);
            if (cont.length > 0 && cont[0] == prefix) {
                return new EncodedRequest(new int[] {prefix}, Arrays.copyOfRange(cont, 1, cont.length));
            }
            return new EncodedRequest(new int[] {prefix}, cont);
        }
        int kept = context.length();
        while (kept > 0 && isSpace(context.charAt(kept - 1))) {
            kept--;
        }
        if (kept < context.length()) {
            continuation = context.substring(kept) + continuation;
            context = context.substring(0, kept);
        }
        int[] whole = tokenizer.encodeForModel(context + continuation);
        int[] ctx = tokenizer.encodeForModel(context);
        if (ctx.length == 0) {
            // The context was whitespace only: it all moved to the continuation.
            return encode(new Request("", continuation));
        }
        int split = Math.min(ctx.length, whole.length);
        return new EncodedRequest(ctx, Arrays.copyOfRange(whole, split, whole.length));
    }

    /** Python's {@code str.isspace} for one char: Java whitespace plus the Unicode space separators (no-break space). */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
