package org.quantbench.eval.tasks;

import org.junit.jupiter.api.Test;
import org.quantbench.model.tokenizer.Tokenizer;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** lm-eval's encoding of (context, continuation) pairs, on the real stories260K tokenizer and a char tokenizer. */
class RequestEncoderTest {

    @Test
    void wholeStringIsEncodedAndSplitAtTheContextsTokenCount() {
        Tokenizer tok = Stories260K.tokenizer();
        EncodedRequest r = new RequestEncoder(tok).encode(new Request("Question: Who is Lily?\nAnswer:", " a girl"));
        int[] whole = tok.encodeForModel("Question: Who is Lily?\nAnswer: a girl");
        assertThat(r.context()).containsExactly(tok.encodeForModel("Question: Who is Lily?\nAnswer:"));
        assertThat(r.context()[0]).isEqualTo(1);  // BOS: the llama2.c tokenizer adds it
        assertThat(r.continuation()).containsExactly(Arrays.copyOfRange(whole, r.context().length, whole.length));
    }

    @Test
    void trailingSpacesOfTheContextMoveToTheContinuation() {
        RequestEncoder enc = new RequestEncoder(new CharTokenizer());
        EncodedRequest r = enc.encode(new Request("ab  ", "c"));
        assertThat(r.context()).containsExactly(0, 'a' + 1, 'b' + 1);
        assertThat(r.continuation()).containsExactly(' ' + 1, ' ' + 1, 'c' + 1);
    }

    @Test
    void anEmptyContextIsBosAlone() {
        EncodedRequest r = new RequestEncoder(new CharTokenizer()).encode(new Request("", " x"));
        assertThat(r.context()).containsExactly(0);
        assertThat(r.continuation()).containsExactly(' ' + 1, 'x' + 1);
    }
}
