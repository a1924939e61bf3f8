package org.quantbench.quant;

/**
 * W8A8-INT: int8 weights per output channel, int8 activations per token (dynamic), int32 accumulation; with a
 * SmoothQuant strength above 0 ({@code W8A8-INT-SQ}) activation outliers are first migrated into the weights.
 */
public record W8A8IntScheme(double smoothQuantAlpha) implements Scheme {
    public static final double DEFAULT_SQ_ALPHA = 0.5;

    public W8A8IntScheme {
        if (!(smoothQuantAlpha >= 0 && smoothQuantAlpha < 1)) {
            throw new IllegalArgumentException("SmoothQuant strength must be in [0, 1), got " + smoothQuantAlpha);
        }
    }

    @Override
    public String name() {
        return smoothQuantAlpha == 0 ? "W8A8-INT" : smoothQuantAlpha == DEFAULT_SQ_ALPHA ? "W8A8-INT-SQ"
                : "W8A8-INT-SQ" + smoothQuantAlpha;
    }

    @Override
    public String description() {
        return "int8 weights per channel and int8 activations per token with int32 accumulation"
                + (smoothQuantAlpha > 0 ? ", after SmoothQuant (strength " + smoothQuantAlpha + ")" : "") + ".";
    }

    @Override
    public boolean needsCalibration() {
        return smoothQuantAlpha > 0;
    }
}
