package org.quantbench.quant.awq;

import org.quantbench.quant.intq.IntGroupParams;
import org.quantbench.quant.intq.IntQuantizer;

/**
 * AWQ's inner step: round-to-nearest of one group with its range clipped, as AutoAWQ clips: the group is clamped to
 * {@code [-f * absmax, f * absmax]} and the {@link IntQuantizer} fitted on the clamped values ({@code f = 1}: plain
 * RTN). Not thread-safe (one scratch row).
 */
final class ClippedRounding {
    private final IntQuantizer quantizer;
    private float[] scratch = new float[0];

    ClippedRounding(IntQuantizer quantizer) {
        this.quantizer = quantizer;
    }

    IntQuantizer quantizer() { return quantizer; }

    /** The parameters of {@code src[off .. off+len)} clipped at {@code factor}. */
    IntGroupParams fit(float[] src, int off, int len, float factor) {
        if (factor == 1f) {
            return quantizer.fit(src, off, len);
        }
        float amax = 0f;
        for (int i = off; i < off + len; i++) {
            amax = Math.max(amax, Math.abs(src[i]));
        }
        float m = factor * amax;
        if (scratch.length < len) {
            scratch = new float[len];
        }
        for (int i = 0; i < len; i++) {
            scratch[i] = Math.max(-m, Math.min(m, src[off + i]));
        }
        return quantizer.fit(scratch, 0, len);
    }

    /**
     * Fits the group, rounds it, and writes the dequantized values into {@code dst[dstOff ..]} and (when not null) the
     * codes into {@code codes[codeOff ..]}.
     */
    IntGroupParams round(float[] src, int off, int len, float factor, float[] dst, int dstOff, byte[] codes, int codeOff) {
        IntGroupParams p = fit(src, off, len, factor);
        for (int i = 0; i < len; i++) {
            int q = quantizer.quantize(src[off + i], p);
            dst[dstOff + i] = IntQuantizer.dequantize(q, p.scale(), p.zero());
            if (codes != null) {
                codes[codeOff + i] = (byte) q;
            }
        }
        return p;
    }
}
