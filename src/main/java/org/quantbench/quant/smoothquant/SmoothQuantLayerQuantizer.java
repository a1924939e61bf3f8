package org.quantbench.quant.smoothquant;

import org.quantbench.model.ModelConfig;
import org.quantbench.quant.QuantizedLinear;
import org.quantbench.quant.W8A8IntScheme;
import org.quantbench.quant.awq.ChannelScaling;
import org.quantbench.quant.awq.ChannelStats;
import org.quantbench.quant.awq.DenseGemm;
import org.quantbench.quant.calib.Activations;
import org.quantbench.quant.calib.InputGroup;
import org.quantbench.quant.calib.LayerContext;
import org.quantbench.quant.calib.LayerQuantizer;
import org.quantbench.quant.calib.LayerResult;
import org.quantbench.quant.calib.LinearRole;
import org.quantbench.quant.intq.W8A8IntLinear;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SmoothQuant + W8A8-INT for one decoder layer, the statistics taken on the float layer's inputs. The factors fold
 * where they cost nothing at run time (llm-compressor's Llama mappings):
 * <ul>
 *   <li>attn_norm -> q, k, v and ffn_norm -> gate, up: the norm weight {@code / s};</li>
 *   <li>up -> down: up's rows {@code / s} ({@code silu(gate) * up} is element-wise, and up's per-row int8 scale
 *   absorbs the factor exactly);</li>
 *   <li>v -> o: v's rows {@code / s}, only with as many kv heads as heads and no v bias (with grouped-query attention a
 *   v row feeds several o channels); otherwise o is quantized unsmoothed.</li>
 * </ul>
 * Each linear is then {@link W8A8IntLinear} on its smoothed weights, with no run-time smoothing of its own. The layer's
 * loss is the sum over its linears of the mean squared output error against the smoothed float linear on the first
 * calibration sample (activations quantized as at inference).
 */
public final class SmoothQuantLayerQuantizer implements LayerQuantizer {
    private final double alpha;

    public SmoothQuantLayerQuantizer(double alpha) {
        SmoothQuant.factors(new float[0], new float[0], alpha); // validates alpha
        this.alpha = alpha;
    }

    public static SmoothQuantLayerQuantizer forScheme(W8A8IntScheme scheme) {
        return new SmoothQuantLayerQuantizer(scheme.smoothQuantAlpha());
    }

    @Override
    public LayerResult quantize(LayerContext context) {
        ModelConfig c = context.config();
        Map<InputGroup, Activations> inputs = new EnumMap<>(InputGroup.class);
        for (InputGroup g : InputGroup.values()) {
            inputs.put(g, context.inputs(g));
        }
        Map<LinearRole, float[]> floats = new EnumMap<>(LinearRole.class);
        for (LinearRole role : LinearRole.values()) {
            floats.put(role, context.weightRows(role));
        }
        Map<InputGroup, float[]> factors = new EnumMap<>(InputGroup.class);
        factors.put(InputGroup.ATTN_IN, factors(context, inputs, floats, InputGroup.ATTN_IN));
        if (c.nKvHeads() == c.nHeads() && !c.qkvBias()) {
            factors.put(InputGroup.ATTN_OUT, factors(context, inputs, floats, InputGroup.ATTN_OUT));
        }
        factors.put(InputGroup.FFN_IN, factors(context, inputs, floats, InputGroup.FFN_IN));
        factors.put(InputGroup.FFN_MID, factors(context, inputs, floats, InputGroup.FFN_MID));

        Map<LinearRole, float[]> smoothed = new EnumMap<>(floats);
        for (InputGroup g : InputGroup.values()) {
            float[] s = factors.get(g);
            if (s == null) {
                continue;
            }
            for (LinearRole role : LinearRole.reading(g)) {
                smoothed.put(role, ChannelScaling.scaleColumns(smoothed.get(role), s.length, s));
            }
        }
        if (factors.containsKey(InputGroup.ATTN_OUT)) {
            smoothed.put(LinearRole.V, ChannelScaling.divideRows(smoothed.get(LinearRole.V), c.dim(), factors.get(InputGroup.ATTN_OUT)));
        }
        smoothed.put(LinearRole.UP, ChannelScaling.divideRows(smoothed.get(LinearRole.UP), c.dim(), factors.get(InputGroup.FFN_MID)));

        Map<LinearRole, QuantizedLinear> linears = new EnumMap<>(LinearRole.class);
        double loss = 0;
        for (InputGroup g : InputGroup.values()) {
            Activations in = inputs.get(g);
            float[] s = factors.get(g);
            for (LinearRole role : LinearRole.reading(g)) {
                float[] w = smoothed.get(role);
                W8A8IntLinear q = SmoothQuant.w8a8(role.tensorName(context.layer()), w, in.width());
                linears.put(role, q);
                loss += sampleError(q, w, in, s, context);
            }
        }
        return new LayerResult(linears, ChannelScaling.divide(context.attnNorm(), factors.get(InputGroup.ATTN_IN)),
                ChannelScaling.divide(context.ffnNorm(), factors.get(InputGroup.FFN_IN)), loss);
    }

    private float[] factors(LayerContext context, Map<InputGroup, Activations> inputs, Map<LinearRole, float[]> w, InputGroup g) {
        Activations in = inputs.get(g);
        List<LinearRole> roles = LinearRole.reading(g);
        try {
            float[] s = SmoothQuant.factors(ChannelStats.maxAbs(in), ChannelStats.columnMaxAbs(roles.stream().map(w::get).toList(),
                    in.width()), alpha);
            float min = Float.MAX_VALUE, max = 0;
            for (float v : s) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            context.report(String.format(Locale.ROOT, "SmoothQuant %s: factors %.3g .. %.3g", roles, min, max));
            return s;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(roles.get(0).tensorName(context.layer()) + " inputs: " + e.getMessage(), e);
        }
    }

    /**
     * Mean squared output error on sample 0 of the quantized linear against its smoothed float weights {@code w}, both
     * on the smoothed inputs {@code x / s}.
     */
    private static double sampleError(W8A8IntLinear q, float[] w, Activations in, float[] s, LayerContext context) {
        int tokens = in.tokens();
        int cols = in.width();
        int rows = q.outFeatures();
        float[] x = in.sample(0);
        if (s != null) {
            for (int i = 0; i < x.length; i++) {
                x[i] /= s[i % cols];
            }
        }
        float[] want = new float[tokens * rows];
        DenseGemm.multiplyTransposed(x, tokens, w, rows, cols, want, context.pool());
        float[] got = new float[tokens * rows];
        q.forward(x, got, tokens, context.pool());
        double sum = 0;
        for (int i = 0; i < got.length; i++) {
            double d = got[i] - want[i];
            sum += d * d;
        }
        return sum / got.length;
    }
}
