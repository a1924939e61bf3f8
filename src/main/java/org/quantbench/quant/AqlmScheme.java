package org.quantbench.quant;

import java.util.Optional;

/** AQLM additive quantization: groups of 8 weights as a sum of {@code codebooks} codewords of {@code codebookBits} each. */
public record AqlmScheme(int codebooks, int codebookBits) implements Scheme {

    public AqlmScheme {
        if (!((codebooks == 1 && codebookBits == 16) || (codebooks == 2 && codebookBits == 8))) {
            throw new IllegalArgumentException("AQLM comes as 1x16 or 2x8, not " + codebooks + "x" + codebookBits);
        }
    }

    @Override
    public String name() {
        return "AQLM-" + codebooks + "x" + codebookBits;
    }

    @Override
    public String description() {
        return "2-bit additive quantization: each group of 8 weights is a sum of " + codebooks + " learned codeword"
                + (codebooks > 1 ? "s" : "") + " (" + (1 << codebookBits) + "-entry codebook"
                + (codebooks > 1 ? "s" : "") + ").";
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.of("AQLM is not implemented on the calibration pipeline yet");
    }
}
