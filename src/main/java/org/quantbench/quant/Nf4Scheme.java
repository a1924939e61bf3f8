package org.quantbench.quant;

/** bitsandbytes NF4: 4-bit normal-float codes in blocks of 64 with an absmax each, optionally double-quantized. */
public record Nf4Scheme(boolean doubleQuant) implements Scheme {

    @Override
    public String name() {
        return doubleQuant ? "NF4-DQ" : "NF4";
    }

    @Override
    public String description() {
        return "4-bit NormalFloat codes in blocks of 64 weights with one absmax per block"
                + (doubleQuant ? ", the absmax values themselves quantized to 8 bits (bitsandbytes double quant)." : ".");
    }
}
