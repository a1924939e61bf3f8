package org.quantbench.quant.autoround;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.quant.intq.SymmetricConvention;
import org.quantbench.tensor.MatmulKernels;
import org.quantbench.tensor.VectorSupport;

/**
 * What AutoRound learns for one weight matrix, and its fake quantization with straight-through gradients.
 * <ul>
 *   <li>{@code v}: a rounding offset per weight in {@code [-0.5, 0.5]}: the code is {@code round(w / s + v)} (plus the
 *   zero point);</li>
 *   <li>{@code lo}, {@code hi}: per group, factors in {@code [0.5, 1]} on the group's minimum and maximum (both taken
 *   with 0 included) before the scale is fitted.</li>
 * </ul>
 * The scale of each group, with {@code m = lo * min} and {@code M = hi * max}:
 * <ul>
 *   <li>asymmetric (auto-round's {@code quant_tensor_asym}): {@code s = fp16((M - m) / (2^b-1))} floored at fp16(1e-5),
 *   {@code z = round(-m / s)};</li>
 *   <li>{@link SymmetricConvention#AUTO_ROUND} ({@code quant_tensor_sym}): the extreme of larger magnitude, M on a tie,
 *   gives {@code s = fp16(e / -2^(b-1))}, magnitude floored at fp16(1e-5);</li>
 *   <li>{@link SymmetricConvention#LLM_COMPRESSOR}: {@code s = max(M, -m) / ((2^b-1)/2)} in float32, floored at
 *   2^-23.</li>
 * </ul>
 * Then {@code q = clamp(round(w/s + v) + z, 0, 2^b-1)} and {@code w' = s (q - z)} ({@code z = 2^(b-1)} when
 * symmetric). With {@code v = 0} and factors 1 each is exactly {@link IntQuantizer}'s round-to-nearest, except that the
 * asymmetric scale is fp16 here as in auto-round. Gradients treat {@code round} and the fp16 rounding as the identity
 * (straight-through); where the clamp is active a weight passes no gradient to its offset.
 * <p>
 * The element-wise passes run on the Vector API over full vectors of each group (scalar tails): {@code round} is the
 * float "add and subtract 1.5 * 2^23" trick, which rounds half to even exactly like {@code Math.rint} for the
 * magnitudes below 2^22 that it is given (arguments are clamped to +-2^20 first; codes are clamped to 0..255 later
 * anyway), so both paths give the same codes; per-group gradient sums are reduced in a fixed lane order.
 */
final class RoundingState {
    private static final float FP16_FLOOR = fp16(1e-5f);
    private static final float FLOAT32_FLOOR = 0x1p-23f;
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final float ROUNDER = 0x1.8p23f;
    private static final float ROUND_RANGE = 0x1p20f;

    private final float[] w;
    private final int rows;
    private final int cols;
    private final int groupCols;
    private final int groups;
    private final IntQuantizer quantizer;
    private final int maxCode;
    /** The zero point of symmetric groups; 0 (unused) when asymmetric. */
    private final int half;
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
        this.quantizer = options.quantizer();
        this.maxCode = quantizer.maxCode();
        this.half = quantizer.symmetric() ? quantizer.symmetricZero() : 0;
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
        this.quantizer = o.quantizer;
        this.maxCode = o.maxCode;
        this.half = o.half;
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

    private static float fp16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    /** Whether group k's symmetric scale comes from its (clipped) maximum rather than its minimum. */
    private boolean fromMax(int k) {
        return hi[k] * max[k] >= -(lo[k] * min[k]);
    }

    /** The scale of group k. */
    private float scale(int k) {
        if (!quantizer.symmetric()) {
            return Math.max(fp16((hi[k] * max[k] - lo[k] * min[k]) / maxCode), FP16_FLOOR);
        }
        if (quantizer.convention() == SymmetricConvention.LLM_COMPRESSOR) {
            return Math.max(Math.max(hi[k] * max[k], -(lo[k] * min[k])) / (maxCode / 2f), FLOAT32_FLOOR);
        }
        float s = fromMax(k) ? fp16(hi[k] * max[k] / -half) : fp16(lo[k] * min[k] / -half);
        return s < 0 ? Math.min(s, -FP16_FLOOR) : Math.max(s, FP16_FLOOR);
    }

    /** The zero point of group k with scale s. */
    private int zero(int k, float s) {
        return quantizer.symmetric() ? half : (int) Math.max(0, Math.min(maxCode, Math.rint(-(lo[k] * min[k]) / s)));
    }

    /** {@code d s / d hi} and {@code d s / d lo} of group k (straight through the fp16 rounding). */
    private double scaleByHi(int k) {
        if (!quantizer.symmetric()) {
            return max[k] / maxCode;
        }
        if (!fromMax(k)) {
            return 0;
        }
        return quantizer.convention() == SymmetricConvention.LLM_COMPRESSOR ? max[k] / (maxCode / 2.0) : -max[k] / half;
    }

    private double scaleByLo(int k) {
        if (!quantizer.symmetric()) {
            return -min[k] / maxCode;
        }
        if (fromMax(k)) {
            return 0;
        }
        return quantizer.convention() == SymmetricConvention.LLM_COMPRESSOR ? -min[k] / (maxCode / 2.0) : -min[k] / half;
    }

    /** {@code e[i] = w'[i] - w[i]} for the rows {@code [r0, r1)}. */
    void error(int r0, int r1, float[] e) {
        for (int r = r0; r < r1; r++) {
            for (int k = 0; k < groups; k++) {
                int gk = r * groups + k;
                float s = scale(gk);
                int z = zero(gk, s);
                int start = r * cols + k * groupCols;
                int end = r * cols + Math.min(cols, (k + 1) * groupCols);
                int i = start;
                if (VectorSupport.enabled()) {
                    for (int bound = start + S.loopBound(end - start); i < bound; i += S.length()) {
                        FloatVector wv = FloatVector.fromArray(S, w, i);
                        FloatVector q = code(wv.div(s), FloatVector.fromArray(S, v, i), z);
                        q.sub(z).mul(s).sub(wv).intoArray(e, i);
                    }
                }
                for (; i < end; i++) {
                    double u = Math.rint(w[i] / s + v[i]) + z;
                    e[i] = IntQuantizer.dequantize((int) Math.max(0, Math.min(maxCode, u)), s, z) - w[i];
                }
            }
        }
    }

    /** {@code round(w/s + v) + z} before the clamp to the code range. */
    private static FloatVector unclamped(FloatVector wOverS, FloatVector v, int z) {
        FloatVector a = wOverS.add(v).max(-ROUND_RANGE).min(ROUND_RANGE);
        return a.add(ROUNDER).sub(ROUNDER).add(z);
    }

    /** The codes, as floats, clamped to {@code [0, 2^b-1]}. */
    private FloatVector code(FloatVector wOverS, FloatVector v, int z) {
        return unclamped(wOverS, v, z).max(0f).min(maxCode);
    }

    /**
     * One signSGD step for rows {@code [r0, r1)} given {@code g = dLoss/dw'}: each offset and factor moves by
     * {@code lr} against the sign of its gradient, then is clamped to its range. Chain rule per weight, with u the
     * unclamped code and "inside" meaning {@code 0 <= u <= 2^b-1}: {@code dw'/dv = s} inside, else 0;
     * {@code dw'/ds = (q - z) - w/s} inside, else {@code (q - z) - m/s} asymmetric (the zero point moves with s) and
     * {@code q - z} symmetric; asymmetric groups add {@code dw'/dm = 1} outside (through the zero point).
     */
    void step(float[] g, float lr, int r0, int r1) {
        boolean asymmetric = !quantizer.symmetric();
        for (int r = r0; r < r1; r++) {
            for (int k = 0; k < groups; k++) {
                int gk = r * groups + k;
                float s = scale(gk);
                int z = zero(gk, s);
                float m = lo[gk] * min[gk];
                float signS = Math.signum(s);
                double gScale = 0;
                double gMin = 0;
                int start = r * cols + k * groupCols;
                int end = r * cols + Math.min(cols, (k + 1) * groupCols);
                int i = start;
                if (VectorSupport.enabled()) {
                    FloatVector accScale = FloatVector.zero(S);
                    FloatVector accMin = FloatVector.zero(S);
                    float step = lr * signS;
                    float mOverS = m / s;
                    for (int bound = start + S.loopBound(end - start); i < bound; i += S.length()) {
                        FloatVector wOverS = FloatVector.fromArray(S, w, i).div(s);
                        FloatVector vv = FloatVector.fromArray(S, v, i);
                        FloatVector gv = FloatVector.fromArray(S, g, i);
                        FloatVector u = unclamped(wOverS, vv, z);
                        VectorMask<Float> inside = u.compare(VectorOperators.GE, 0f).and(u.compare(VectorOperators.LE, maxCode));
                        FloatVector q = u.max(0f).min(maxCode).sub(z);
                        FloatVector sign = FloatVector.zero(S).blend(1f, gv.compare(VectorOperators.GT, 0f))
                                .blend(-1f, gv.compare(VectorOperators.LT, 0f));
                        vv.sub(sign.mul(step)).max(-0.5f).min(0.5f).intoArray(v, i, inside);
                        FloatVector outsideTerm = asymmetric ? q.sub(mOverS) : q;
                        accScale = gv.mul(q.sub(wOverS).blend(outsideTerm, inside.not())).add(accScale);
                        if (asymmetric) {
                            accMin = accMin.add(gv, inside.not());
                        }
                    }
                    gScale = MatmulKernels.sumLanes(accScale);
                    gMin = MatmulKernels.sumLanes(accMin);
                }
                for (; i < end; i++) {
                    double u = Math.rint(w[i] / s + v[i]) + z;
                    boolean inside = u >= 0 && u <= maxCode;
                    int q = (int) Math.max(0, Math.min(maxCode, u)) - z;
                    float gi = g[i];
                    if (inside) {
                        v[i] = Math.max(-0.5f, Math.min(0.5f, v[i] - lr * Math.signum(gi) * signS));
                        gScale += gi * (q - w[i] / s);
                    } else if (asymmetric) {
                        gScale += gi * (q - m / s);
                        gMin += gi;
                    } else {
                        gScale += gi * q;
                    }
                }
                double gLo = gScale * scaleByLo(gk) + gMin * min[gk];
                double gHi = gScale * scaleByHi(gk);
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
        int[] zeros = quantizer.symmetric() ? null : new int[rows * groups];
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
                    codes[i] = (byte) Math.max(0, Math.min(maxCode, Math.rint(w[i] / s + v[i]) + z));
                }
            }
        }
        return IntGroupedLinear.fromCodes(rows, cols, quantizer, groupSize, codes, scales, zeros);
    }
}
