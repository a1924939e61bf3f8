package org.quantbench.quant.awq;

import org.quantbench.model.ModelConfig;
import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.calib.Activations;
import org.quantbench.quant.calib.InputGroup;
import org.quantbench.quant.calib.LayerContext;
import org.quantbench.quant.calib.LayerQuantizer;
import org.quantbench.quant.calib.LayerResult;
import org.quantbench.quant.calib.LinearRole;
import org.quantbench.quant.intq.IntGroupedLinear;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AWQ for one decoder layer, as AutoAWQ runs it: every group's inputs are captured from the float layer first; the
 * scales of the four groups are searched on the original weights ({@link AwqScaleSearch}); then all are folded at once
 * and each linear gets its clip search and codes ({@link AwqLinearQuantizer}, no clip search for q and k).
 * <ul>
 *   <li>attn_norm -> q, k, v: {@code attn_norm / s}, q/k/v columns {@code x s};</li>
 *   <li>v -> o: v's rows {@code / s}, o's columns {@code x s}. Only when each o input channel comes from its own v row
 *   (as many kv heads as heads) and v has no bias: with grouped-query attention one v row feeds several o channels
 *   that would need different scales (AutoAWQ skips this pair there too), and the bias is not an overridable part of
 *   the layer. Otherwise o is quantized unscaled (clip search only);</li>
 *   <li>ffn_norm -> gate, up: {@code ffn_norm / s}, gate/up columns {@code x s};</li>
 *   <li>up -> down: up's rows {@code / s} (exact: {@code silu(gate) * up} is element-wise), down's columns {@code x s}.</li>
 * </ul>
 * The layer's loss is the sum over its seven linears of the mean squared output error on the calibration inputs.
 */
public final class AwqLayerQuantizer implements LayerQuantizer {
    private final AwqOptions options;

    public AwqLayerQuantizer(AwqOptions options) {
        this.options = options;
    }

    /** AWQ with the scheme's bits and group size, AutoAWQ's grids. */
    public static AwqLayerQuantizer forScheme(IntWeightScheme scheme) {
        if (scheme.method() != IntWeightScheme.Method.AWQ || scheme.symmetric()) {
            throw new IllegalArgumentException(scheme.name() + " is not an asymmetric AWQ scheme");
        }
        AwqOptions d = AwqOptions.DEFAULT;
        return new AwqLayerQuantizer(new AwqOptions(scheme.bits(), scheme.perChannel() ? IntGroupedLinear.PER_CHANNEL
                : scheme.groupSize(), d.gridPoints(), d.clipSteps(), d.clipGrid()));
    }

    /** The statistics of one input: what the search and the clip search read. */
    private record Input(Activations activations, float[] meanAbs, float[] gram) {}

    @Override
    public LayerResult quantize(LayerContext context) {
        ModelConfig c = context.config();
        Map<InputGroup, Input> inputs = new EnumMap<>(InputGroup.class);
        for (InputGroup g : InputGroup.values()) {
            Activations a = context.inputs(g);
            inputs.put(g, new Input(a, ChannelStats.meanAbs(a), DenseGemm.gram(a, context.pool())));
        }
        Map<LinearRole, float[]> w = new EnumMap<>(LinearRole.class);
        for (LinearRole role : LinearRole.values()) {
            w.put(role, context.weightRows(role));
        }
        float[] sAttn = search(context, inputs.get(InputGroup.ATTN_IN), w, LinearRole.Q, LinearRole.K, LinearRole.V);
        boolean foldIntoV = c.nKvHeads() == c.nHeads() && !c.qkvBias();
        float[] sOut = foldIntoV ? search(context, inputs.get(InputGroup.ATTN_OUT), w, LinearRole.O) : null;
        float[] sFfn = search(context, inputs.get(InputGroup.FFN_IN), w, LinearRole.GATE, LinearRole.UP);
        float[] sDown = search(context, inputs.get(InputGroup.FFN_MID), w, LinearRole.DOWN);

        scale(w, c.dim(), sAttn, LinearRole.Q, LinearRole.K, LinearRole.V);
        if (sOut != null) {
            w.put(LinearRole.V, ChannelScaling.divideRows(w.get(LinearRole.V), c.dim(), sOut));
            scale(w, c.qDim(), sOut, LinearRole.O);
        }
        scale(w, c.dim(), sFfn, LinearRole.GATE, LinearRole.UP);
        w.put(LinearRole.UP, ChannelScaling.divideRows(w.get(LinearRole.UP), c.dim(), sDown));
        scale(w, c.hiddenDim(), sDown, LinearRole.DOWN);

        Map<InputGroup, float[]> factors = new EnumMap<>(InputGroup.class);
        factors.put(InputGroup.ATTN_IN, sAttn);
        factors.put(InputGroup.ATTN_OUT, sOut);
        factors.put(InputGroup.FFN_IN, sFfn);
        factors.put(InputGroup.FFN_MID, sDown);
        Map<LinearRole, QuantizedLinear> linears = new EnumMap<>(LinearRole.class);
        double loss = 0;
        for (InputGroup g : InputGroup.values()) {
            Input in = inputs.get(g);
            float[] s = factors.get(g);
            float[] gram = s == null ? in.gram() : ChannelScaling.scaleGram(in.gram(), s);
            for (LinearRole role : LinearRole.reading(g)) {
                float[] weight = w.get(role);
                int cols = in.activations().width();
                boolean clip = role != LinearRole.Q && role != LinearRole.K;
                AwqLinearQuantizer.Result r = AwqLinearQuantizer.quantize(weight, weight.length / cols, cols, gram,
                        in.activations().rows(), clip, options, context.pool());
                linears.put(role, r.linear());
                loss += r.outputMse();
            }
        }
        return new LayerResult(linears, ChannelScaling.divide(context.attnNorm(), sAttn),
                ChannelScaling.divide(context.ffnNorm(), sFfn), loss);
    }

    private float[] search(LayerContext context, Input in, Map<LinearRole, float[]> w, LinearRole... roles) {
        List<float[]> weights = java.util.Arrays.stream(roles).map(w::get).toList();
        AwqScaleSearch.Result r;
        try {
            r = AwqScaleSearch.search(weights, in.activations().width(), in.meanAbs(), in.gram(), in.activations().rows(),
                    options, context.pool());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(roles[0].tensorName(context.layer()) + ": " + e.getMessage(), e);
        }
        context.report(String.format(Locale.ROOT, "AWQ %s: alpha %.2f, output MSE %.4g (RTN %.4g)",
                java.util.Arrays.toString(roles), r.alpha(), r.loss(), r.rtnLoss()));
        return r.scales();
    }

    private static void scale(Map<LinearRole, float[]> w, int cols, float[] s, LinearRole... roles) {
        for (LinearRole role : roles) {
            w.put(role, ChannelScaling.scaleColumns(w.get(role), cols, s));
        }
    }
}
