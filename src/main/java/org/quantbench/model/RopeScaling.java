package org.quantbench.model;

/** Llama 3.1/3.2 "llama3" RoPE frequency scaling; {@link #NONE} leaves frequencies as they are. */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {
    public static final RopeScaling NONE = new RopeScaling("none", 1, 1, 1, 0);

    public boolean isNone() { return "none".equals(type); }

    /**
     * How much this scaling divides the frequency of rotation pair {@code pair} (1 for none): llama3 keeps high
     * frequencies, divides low ones by the factor and blends in between. GGUF stores these as rope_freqs.
     */
    public double frequencyDivisor(double theta, int pair, int headDim) {
        if (isNone()) {
            return 1;
        }
        double freq = Math.pow(theta, -2.0 * pair / headDim);
        double wavelen = 2 * Math.PI / freq;
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        if (wavelen < highFreqWavelen) {
            return 1;
        }
        if (wavelen > lowFreqWavelen) {
            return factor;
        }
        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return 1 / ((1 - smooth) / factor + smooth);
    }
}
