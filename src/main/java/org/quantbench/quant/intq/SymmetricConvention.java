package org.quantbench.quant.intq;

/**
 * How a symmetric integer quantizer picks its scale; the tools differ here and it shows in perplexity, so every
 * symmetric scheme names one. Both store unsigned codes with the implied zero point {@code z = 2^(b-1)}.
 */
public enum SymmetricConvention {
    /**
     * llm-compressor / compressed-tensors: {@code s = absmax / ((2^b-1)/2)} in float32, round half to even, so at 4 bits
     * +absmax lands on signed 7 (clamped from 8) and -absmax on -8. That holds when {@code absmax / s} comes out as
     * exactly 7.5; in float32 it falls one ulp short for about one group in nine (absmax = 1, say) and -absmax then
     * rounds to -7, in compressed-tensors' own float32 division as here. Same scale as the reference notes' and GPTQ's
     * symmetric formula {@code s = 2m/(2^b-1)}: both are the correctly rounded float of one real number (2m is exact), so that formula
     * is this convention and not a third one.
     */
    LLM_COMPRESSOR("llmc"),
    /**
     * auto-round: {@code s = e / -2^(b-1)} rounded to fp16, where {@code e} is the signed extreme of larger magnitude
     * (the positive one on a tie), so {@code e} gets the code of signed {@code -2^(b-1)} (and dequantizes to {@code e}
     * up to the fp16 rounding of the scale); the scale is negative when the positive extreme is chosen. The other side
     * reaches at most {@code 2^(b-1)-1} and is clamped there.
     */
    AUTO_ROUND("autoround");

    private final String tag;

    SymmetricConvention(String tag) {
        this.tag = tag;
    }

    /** Short tag used in format names. */
    public String tag() { return tag; }
}
