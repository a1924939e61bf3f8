package org.quantbench.quant.autoround;

import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.quant.intq.SymmetricConvention;

/**
 * What AutoRound learns for one weight matrix, and its fake quantization with straight-through gradients.
 * <ul>
 *   <li>{@code v}: a rounding offset per weight in {@code [-0.5, 0.5]}, {@code q = round(w / s + v)};</li>
 *   <li>{@code lo}, {@code hi}: per group, factors in {@code [0.5, 1]} on the group's minimum and maximum (both taken
 *   with 0 included) before the scale is fitted.</li>
 * </ul>
 * Asymmetric (auto-round's {@code quant_tensor_asym}): {@code s = fp16((hi*max - lo*min) / (2^b-1))} floored at 1e-5,
 * {@code z = round(-lo*min / s)}, {@code q = clamp(round(w/s + v) + z, 0, 2^b-1)}, {@code w' = s (q - z)}. Symmetric
 * ({@link SymmetricConvention#AUTO_ROUND}, {@code quant_tensor_sym}): the signed extreme of larger magnitude among
 * {@code hi*max} and {@code lo*min} (the positive one on a tie) gives {@code s = fp16(e / -2^(b-1))}, floored at
 * 1e-5 in magnitude, {@code q = clamp(round(w/s + v), -2^(b-1), 2^(b-1)-1)}, {@code w' = s q}; with {@code v = 0} and
 * factors 1 both are exactly {@link IntQuantizer}'s round-to-nearest of the same convention. Gradients treat
 * {@code round} as the identity (straight-through) and the fp16 rounding of the scale likewise; where the clamp is
 * active a weight passes no gradient to its offset.
 */
final class RoundingState {
    static final float SCALE_FLOOR = Float.float16ToFloat(Float.floatToFloat16(1e-5f));

    private final float[] w;
    private final int rows;
    private final int cols;
    private final int groupCols;
    private final int groups;
    private final int bits;
    private final boolean symmetric;
    /** Group minima and maxima of w with 0 included, {@code [rows][groups]}. */
    private final float[] min;
    private final float[] max;
    final float[] v;
    final float[] lo;
    final float[] hi;

    RoundingState(float[] w, int rows, int cols, AutoRoundOptions options) {
        this.w = w;
        this.rows = rows;
        this.cols = cols;
        this.groupCols = options.groupColumns(cols);
        this.groups = (cols + groupCols - 1) / groupCols;
        this.bits = options.bits();
        this.symmetric = options.symmetric();
        this.min = new float[rows * groups];
        this.max = new float[rows * groups];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int k = r * groups + j / groupCols;
                min[k] = Math.min(min[k], w[r * cols + j]);
                max[k] = Math.max(max[k], w[r * cols + j]);
            }
        }
        this.v = new float[rows * cols];
        this.lo = new float[rows * groups];
        this.hi = new float[rows * groups];
        java.util.Arrays.fill(lo, 1f);
        java.util.Arrays.fill(hi, 1f);
    }

    private RoundingState(RoundingState o) {
        this.w = o.w;
        this.rows = o.rows;
        this.cols = o.cols;
        this.groupCols = o.groupCols;
        this.groups = o.groups;
        this.bits = o.bits;
        this.symmetric = o.symmetric;
        this.min = o.min;
        this.max = o.max;
        this.v = o.v.clone();
        this.lo = o.lo.clone();
        this.hi = o.hi.clone();
    }

    RoundingState copy() {
        return new RoundingState(this);
    }

    /** Overwrites the learned values with {@code o}'s (same weight). */
    void copyFrom(RoundingState o) {
        System.arraycopy(o.v, 0, v, 0, v.length);
        System.arraycopy(o.lo, 0, lo, 0, lo.length);
        System.arraycopy(o.hi, 0, hi, 0, hi.length);
    }

    private int maxCode() { return (1 << bits) - 1; }

    private int half() { return 1 << (bits - 1); }

    private static float fp16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    /** The scale of group k. */
    private float scale(int k) {
        if (!symmetric) {
            return Math.max(fp16((hi[k] * max[k] - lo[k] * min[k]) / maxCode()), SCALE_FLOOR);
        }
        float s = hi[k] * max[k] >= -lo[k] * min[k] ? fp16(hi[k] * max[k] / -half()) : fp16(lo[k] * min[k] / -half());
        return s < 0 ? Math.min(s, -SCALE_FLOOR) : Math.max(s, SCALE_FLOOR);
    }

    /** The zero point of group k with scale s (symmetric: {@code 2^(b-1)}, as stored). */
    private int zero(int k, float s) {
        return symmetric ? half() : (int) Math.max(0, Math.min(maxCode(), Math.rint(-lo[k] * min[k] / s)));
    }

    /** Unsigned code of weight i in group k with scale s and zero point z. */
    private int code(int i, float s, int z) {
        double u = Math.rint(w[i] / s + v[i]) + (symmetric ? half() : z);
        return (int) Math.max(0, Math.min(maxCode(), u));
    }

    /** {@code e[i] = w'[i] - w[i]} for the rows {@code [r0, r1)}. */
    void error(int r0, int r1, float[] e) {
        for (int r = r0; r < r1; r++) {
            for (int k = 0; k < groups; k++) {
                float s = scale(r * groups + k);
                int z = zero(r * groups + k, s);
                int end = r * cols + Math.min(cols, (k + 1) * groupCols);
                for (int i = r * cols + k * groupCols; i < end; i++) {
                    e[i] = IntQuantizer.dequantize(code(i, s, z), s, z) - w[i];
                }
            }
        }
    }

    /**
     * One signSGD step for rows {@code [r0, r1)} given {@code g = dLoss/dw'}: each offset and factor moves by
     * {@code lr} against the sign of its gradient, then is clamped to its range.
     */
    void step(float[] g, float lr, int r0, int r1) {
        int zeroShift = symmetric ? half() : 0;
        for (int r = r0; r < r1; r++) {
            for (int k = 0; k < groups; k++) {
                int gk = r * groups + k;
                float s = scale(gk);
                int z = zero(gk, s);
                boolean positive = hi[gk] * max[gk] >= -lo[gk] * min[gk];
                float lowScale = lo[gk] * min[gk];
                double gLo = 0;
                double gHi = 0;
                int end = r * cols + Math.min(cols, (k + 1) * groupCols);
                for (int i = r * cols + k * groupCols; i < end; i++) {
                    double u = Math.rint(w[i] / s + v[i]) + (symmetric ? half() : z);
                    boolean inside = u >= 0 && u <= maxCode();
                    int q = (int) Math.max(0, Math.min(maxCode(), u)) - (symmetric ? zeroShift : z);
                    float gi = g[i];
                    if (inside) { // dw'/dv = s, negative for auto-round's scale of a positive extreme
                        v[i] = Math.max(-0.5f, Math.min(0.5f, v[i] - lr * Math.signum(gi) * Math.signum(s)));
                    }
                    if (symmetric) {
                        double dS = inside ? q - w[i] / s : q;
                        if (positive) {
                            gHi += gi * dS * (-max[gk] / half());
                        } else {
                            gLo += gi * dS * (-min[gk] / half());
                        }
                    } else {
                        double dS = inside ? q - w[i] / s : q - lowScale / s;
                        gLo += gi * (dS * (-min[gk] / maxCode()) + (inside ? 0 : min[gk]));
                        gHi += gi * dS * (max[gk] / maxCode());
                    }
                }
                lo[gk] = clampFactor(lo[gk] - lr * (float) Math.signum(gLo));
                hi[gk] = clampFactor(hi[gk] - lr * (float) Math.signum(gHi));
            }
        }
    }

    private static float clampFactor(float f) {
        return Math.max(AutoRoundOptions.MIN_CLIP, Math.min(1f, f));
    }

    /** The layer these values round to. */
    IntGroupedLinear toLinear(int groupSize) {
        byte[] codes = new byte[rows * cols];
        float[] scales = new float[rows * groups];
        int[] zeros = symmetric ? null : new int[rows * groups];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < groups; k++) {
                int gk = r * groups + k;
                float s = scale(gk);
                int z = zero(gk, s);
                scales[gk] = s;
                if (zeros != null) {
                    zeros[gk] = z;
                }
                int end = r * cols + Math.min(cols, (k + 1) * groupCols);
                for (int i = r * cols + k * groupCols; i < end; i++) {
                    codes[i] = (byte) code(i, s, z);
                }
            }
        }
        IntQuantizer quantizer = symmetric ? IntQuantizer.symmetric(bits, SymmetricConvention.AUTO_ROUND)
                : IntQuantizer.asymmetric(bits);
        return IntGroupedLinear.fromCodes(rows, cols, quantizer, groupSize, codes, scales, zeros);
    }
}
