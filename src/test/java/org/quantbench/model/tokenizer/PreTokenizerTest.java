package org.quantbench.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreTokenizerTest {

    @Test
    void gpt2KeepsTheSpaceBeforeAWordAndLeavesTheLastSpaceOfARunToIt() {
        assertThat(PreTokenizer.gpt2().split("Hello world's  end\n\n x 123 !!"))
                .containsExactly("Hello", " world", "'s", " ", " end", "\n\n", " x", " 123", " !!");
        assertThat(PreTokenizer.gpt2().split("a  ")).containsExactly("a", "  ");
        assertThat(PreTokenizer.gpt2().split("\u3000x\u00a0y")).containsExactly("\u3000", "x", "\u00a0", "y");
    }

    @Test
    void llama3GroupsDigitsByThreeAndIgnoresCaseInContractions() {
        assertThat(PreTokenizer.llama3().split("1234567 HE'S ok.\n\n  x"))
                .containsExactly("123", "456", "7", " HE", "'S", " ok", ".\n\n", " ", " x");
        assertThat(PreTokenizer.qwen2().split("x=123")).containsExactly("x", "=", "1", "2", "3");
    }

    @Test
    void smollmSplitsEveryDigit() {
        assertThat(PreTokenizer.smollm().split("Numbers 1234 and ٣٤")).containsExactly("Numbers", " ", "1", "2", "3",
                "4", " and", " ", "٣", "٤");
        assertThat(PreTokenizer.forGgufName("smollm").split("a1")).containsExactly("a", "1");
        assertThatThrownBy(() -> PreTokenizer.forGgufName("falcon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenizer.ggml.pre");
    }

    @Test
    void splitBehaviorsFollowHfTokenizers() {
        Pattern dash = Pattern.compile("-");
        String text = "a-b--c-";
        assertThat(split(dash, PreTokenizer.Behavior.ISOLATED, text)).containsExactly("a", "-", "b", "-", "-", "c", "-");
        assertThat(split(dash, PreTokenizer.Behavior.REMOVED, text)).containsExactly("a", "b", "c");
        assertThat(split(dash, PreTokenizer.Behavior.MERGED_WITH_PREVIOUS, text)).containsExactly("a-", "b-", "-", "c-");
        assertThat(split(dash, PreTokenizer.Behavior.MERGED_WITH_NEXT, text)).containsExactly("a", "-b", "-", "-c", "-");
        assertThat(split(dash, PreTokenizer.Behavior.CONTIGUOUS, text)).containsExactly("a", "-", "b", "--", "c", "-");
        assertThat(new PreTokenizer.RegexSplit(Pattern.compile("[a-z]+"), PreTokenizer.Behavior.REMOVED, true)
                .split("ab, cd")).containsExactly("ab", "cd");
    }

    @Test
    void sequencesApplyEachStepToEveryWord() {
        PreTokenizer prefixed = new PreTokenizer.Sequence(java.util.List.of(new PreTokenizer.PrefixSpace(),
                PreTokenizer.gpt2()));
        assertThat(prefixed.split("hi there")).containsExactly(" hi", " there");
        assertThat(new PreTokenizer.Normalize(java.text.Normalizer.Form.NFC).split("e\u0301")).containsExactly("\u00e9");
    }

    private static java.util.List<String> split(Pattern pattern, PreTokenizer.Behavior behavior, String text) {
        return new PreTokenizer.RegexSplit(pattern, behavior, false).split(text);
    }
}
