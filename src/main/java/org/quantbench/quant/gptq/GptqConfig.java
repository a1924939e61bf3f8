package org.quantbench.quant.gptq;

/**
 * GPTQ's knobs. Damping: {@code H += lambda I} with {@code lambda = damp * mean(diag H)}; when the Cholesky
 * factorisation still fails, damp is multiplied by {@link #DAMP_STEP} and tried again, up to {@code maxDamp}
 * (default 1.0: lambda equal to the mean diagonal, beyond which GPTQ degenerates to RTN and the layer is better
 * reported than silently rounded).
 *
 * @param damp      the first damping fraction (0.01, as the seed's Llama-3.1 INT4 models used)
 * @param maxDamp   the largest damping fraction tried
 * @param blockSize columns per lazy-update block (128)
 * @param actOrder  quantize columns by descending {@code diag(H)} (desc_act); groups stay static (fitted up front on
 *                  consecutive columns), so the stored layout and {@code g_idx = column / groupSize} do not change
 */
public record GptqConfig(double damp, double maxDamp, int blockSize, boolean actOrder) {
    public static final double DAMP_STEP = 10;
    public static final GptqConfig DEFAULT = new GptqConfig(0.01, 1.0, 128, true);

    public GptqConfig {
        if (!(damp > 0) || !(maxDamp >= damp)) {
            throw new IllegalArgumentException("damping must satisfy 0 < damp <= maxDamp, got " + damp + ", " + maxDamp);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be positive, got " + blockSize);
        }
    }
}
