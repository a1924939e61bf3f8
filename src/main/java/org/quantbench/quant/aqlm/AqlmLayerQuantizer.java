package org.quantbench.quant.aqlm;

import org.quantbench.quant.AqlmScheme;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.calib.HessianLayerLoop;
import org.quantbench.quant.calib.LayerContext;
import org.quantbench.quant.calib.LayerQuantizer;
import org.quantbench.quant.calib.LayerResult;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * AQLM on the calibration pipeline, true sequential inside the layer: for each input group (q/k/v, o, gate/up, down)
 * the Hessian {@code H = (2/n) X^T X} of its inputs, computed through the linears already quantized, then
 * {@link AqlmQuantizer} on each linear of the group, committed before the next group's inputs are captured.
 * <p>
 * Fallback: AQLM needs input columns in groups of 8; a linear whose input width is not a multiple of 8 (stories260K's
 * down projection reads 172 columns) is quantized to 2-bit asymmetric integers in groups of {@link #FALLBACK_GROUP}
 * by round-to-nearest instead, and the progress line says so.
 */
public final class AqlmLayerQuantizer implements LayerQuantizer {
    /** Group size of the 2-bit integer fallback. */
    public static final int FALLBACK_GROUP = 64;

    private final AqlmScheme scheme;
    private final AqlmQuantizer.Options options;

    public AqlmLayerQuantizer(AqlmScheme scheme, AqlmQuantizer.Options options) {
        this.scheme = scheme;
        this.options = options;
    }

    /**
     * A linear of an AQLM model from the cache: {@link AqlmLinear} when the width is a multiple of 8, else the 2-bit
     * fallback this class quantized it to.
     */
    public static QuantizedLinear restore(AqlmScheme scheme, int rows, int cols, Map<String, MemorySegment> buffers) {
        return cols % AqlmLinear.GROUP == 0 ? AqlmLinear.restore(rows, cols, scheme, buffers)
                : IntGroupedLinear.restore(rows, cols, IntQuantizer.asymmetric(2), FALLBACK_GROUP, buffers);
    }

    @Override
    public LayerResult quantize(LayerContext context) {
        return HessianLayerLoop.run(context, (role, name, w, h) -> {
            float[] rows = context.weightRows(role);
            if (w.cols() % AqlmLinear.GROUP == 0) {
                long seed = context.seed() * 1_000_003L + context.layer() * 16L + role.ordinal();
                double[] reported = {0, 0};
                QuantizedLinear q = AqlmQuantizer.quantize(rows, w.rows(), w.cols(), h, scheme, seed, options,
                        context.pool(), (round, rounds, l, rel) -> {
                            reported[0] = l;
                            reported[1] = rel;
                        });
                return quantized(q, scheme.name(), reported);
            }
            QuantizedLinear q = IntGroupedLinear.quantize(w, IntQuantizer.asymmetric(2), FALLBACK_GROUP);
            return quantized(q, "W2 RTN g" + FALLBACK_GROUP + " fallback (" + w.cols() + " columns are not a multiple of "
                    + AqlmLinear.GROUP + ")", OutputError.of(q, rows, h, context.pool()));
        });
    }

    /** {@code lossAndRelative}: the output loss and its value relative to the float output. */
    private static HessianLayerLoop.Quantized quantized(QuantizedLinear q, String how, double[] lossAndRelative) {
        return new HessianLayerLoop.Quantized(q, lossAndRelative[0],
                String.format("%s loss %.4g (relative %.4g)", how, lossAndRelative[0], lossAndRelative[1]));
    }
}
