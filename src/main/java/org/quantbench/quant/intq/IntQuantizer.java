package org.quantbench.quant.intq;

/**
 * The uniform integer quantizer of RTN and of GPTQ's inner step: unsigned codes {@code q in [0, 2^b - 1]} with a zero
 * point, {@code q = clamp(rint(x / s) + z, 0, 2^b - 1)} and {@code x' = s * (float) (q - z)}, {@code rint} rounding
 * half to even as {@code torch.round} does; {@code x / s} is a float division. The fitted range always includes 0.
 * <ul>
 *   <li>asymmetric: {@code xmin = min(x, 0)}, {@code xmax = max(x, 0)}, {@code s = (xmax - xmin) / (2^b - 1)} in
 *   float32, {@code z = rint(-xmin / s)};</li>
 *   <li>symmetric: {@code z = 2^(b-1)} and the scale of the {@link SymmetricConvention}.</li>
 * </ul>
 * Tiny and all-zero groups never divide by zero: each convention keeps its tool's floor on the scale magnitude,
 * float32 epsilon ({@code 2^-23}) for {@link SymmetricConvention#LLM_COMPRESSOR} (compressed-tensors clamps there) and
 * fp16({@code 1e-5}) for {@link SymmetricConvention#AUTO_ROUND} (its {@code q_scale_thresh}); an asymmetric all-zero
 * group gets {@code s = 0, z = 0}, and a zero scale quantizes every value to {@code z}. Either way such a group
 * dequantizes to 0.
 *
 * @param convention null for asymmetric quantizers
 */
public record IntQuantizer(int bits, boolean symmetric, SymmetricConvention convention) {
    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 8;
    private static final float FLOAT32_EPSILON = 0x1p-23f;
    private static final float AUTO_ROUND_FLOOR = fp16(1e-5f);

    public IntQuantizer {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException("integer quantizer bits must be " + MIN_BITS + ".." + MAX_BITS + ", got " + bits);
        }
        if (symmetric != (convention != null)) {
            throw new IllegalArgumentException(symmetric ? "a symmetric quantizer needs a SymmetricConvention"
                    : "an asymmetric quantizer takes no SymmetricConvention");
        }
    }

    public static IntQuantizer asymmetric(int bits) {
        return new IntQuantizer(bits, false, null);
    }

    public static IntQuantizer symmetric(int bits, SymmetricConvention convention) {
        return new IntQuantizer(bits, true, java.util.Objects.requireNonNull(convention, "convention"));
    }

    /** The largest code, {@code 2^b - 1}. */
    public int maxCode() { return (1 << bits) - 1; }

    /** The zero point of every symmetric group, {@code 2^(b-1)}. */
    public int symmetricZero() { return 1 << (bits - 1); }

    /** "asym", "sym-llmc" or "sym-autoround". */
    public String tag() { return symmetric ? "sym-" + convention.tag() : "asym"; }

    /**
     * Scale and zero point of the group {@code x[off .. off+len)} (finite values). For
     * {@link SymmetricConvention#AUTO_ROUND} an fp16 overflow of the scale is an IllegalArgumentException.
     */
    public IntGroupParams fit(float[] x, int off, int len) {
        float min = 0f;
        float max = 0f;
        for (int i = off; i < off + len; i++) {
            min = Math.min(min, x[i]);
            max = Math.max(max, x[i]);
        }
        if (!symmetric) {
            float s = (max - min) / maxCode();
            int z = s == 0f ? 0 : (int) Math.max(0, Math.min(maxCode(), Math.rint(-min / s)));
            return new IntGroupParams(s, z);
        }
        return switch (convention) {
            case LLM_COMPRESSOR -> new IntGroupParams(Math.max(Math.max(-min, max) / (maxCode() / 2f), FLOAT32_EPSILON),
                    symmetricZero());
            case AUTO_ROUND -> {
                // auto-round's sign rule: a tie goes to the positive extreme (negative scale); a zero group gets +floor
                float extreme = max >= -min ? max : min;
                float s = fp16(extreme / -symmetricZero());
                if (Float.isInfinite(s)) {
                    throw new IllegalArgumentException("group extreme " + extreme + " overflows the fp16 scale of "
                            + convention);
                }
                yield new IntGroupParams(s < 0 ? Math.min(s, -AUTO_ROUND_FLOOR) : Math.max(s, AUTO_ROUND_FLOOR),
                        symmetricZero());
            }
        };
    }

    private static float fp16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /** The code of {@code x} under the group's scale and zero point (values outside the range are clamped). */
    public int quantize(float x, float scale, int zero) {
        if (scale == 0f) {
            return zero;
        }
        double r = Math.rint(x / scale) + zero;
        return (int) Math.max(0, Math.min(maxCode(), r));
    }

    public int quantize(float x, IntGroupParams p) {
        return quantize(x, p.scale(), p.zero());
    }

    /** {@code scale * (float) (q - zero)}: the one dequantization formula every kernel reproduces. */
    public static float dequantize(int q, float scale, int zero) {
        return scale * (float) (q - zero);
    }
}
