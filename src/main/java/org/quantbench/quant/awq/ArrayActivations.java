package org.quantbench.quant.awq;

import org.quantbench.quant.calib.Activations;

/**
 * {@link Activations} held in one row-major array of {@code samples x tokens x width} floats: calibration inputs
 * given as plain arrays (tests, callers outside the pipeline).
 */
public record ArrayActivations(float[] data, int samples, int tokens, int width) implements Activations {

    public ArrayActivations {
        if (samples < 1 || tokens < 1 || width < 1 || (long) samples * tokens * width != data.length) {
            throw new IllegalArgumentException(data.length + " values are not " + samples + " samples x " + tokens
                    + " tokens x " + width + " channels");
        }
    }

    /** All rows as one sample. */
    public static ArrayActivations of(float[] x, int tokens, int width) {
        return new ArrayActivations(x, 1, tokens, width);
    }

    @Override
    public void read(int sample, float[] dst, int dstOff) {
        int n = tokens * width;
        System.arraycopy(data, sample * n, dst, dstOff, n);
    }
}
