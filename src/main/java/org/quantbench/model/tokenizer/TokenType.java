package org.quantbench.model.tokenizer;

/** The kind of a vocabulary entry, numbered as GGUF's {@code tokenizer.ggml.token_type} numbers them. */
public enum TokenType {
    UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

    /** The type for a GGUF code; codes outside 0..6 are a caller's format error. */
    public static TokenType fromGguf(int code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("token type " + code + " is not one of 0..6");
        }
        return values()[code];
    }

    /** Text produced by merging (SentencePiece never merges into control, byte, unknown or unused pieces). */
    boolean mergeable() {
        return this == NORMAL || this == USER_DEFINED || this == UNDEFINED;
    }

    /** Split out of the text before BPE: user-defined always, control and unknown only when parsing specials. */
    boolean special() {
        return this == CONTROL || this == UNKNOWN || this == USER_DEFINED;
    }
}
