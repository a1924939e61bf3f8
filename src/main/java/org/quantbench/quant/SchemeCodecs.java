package org.quantbench.quant;

import org.quantbench.quant.aqlm.AqlmLayerQuantizer;
import org.quantbench.quant.aqlm.AqlmQuantizer;
import org.quantbench.quant.autoround.AutoRoundLayerQuantizer;
import org.quantbench.quant.autoround.AutoRoundOptions;
import org.quantbench.quant.awq.AwqLayerQuantizer;
import org.quantbench.quant.calib.CalibrationPipeline;
import org.quantbench.quant.calib.LayerQuantizer;
import org.quantbench.quant.fp8.Fp8Linear;
import org.quantbench.quant.gptq.GptqConfig;
import org.quantbench.quant.gptq.GptqLayerQuantizer;
import org.quantbench.quant.ggml.GgmlBlockLinear;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.quant.intq.W8A8IntLinear;
import org.quantbench.quant.nf4.Nf4Linear;
import org.quantbench.quant.smoothquant.SmoothQuantLayerQuantizer;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The codec of each scheme: which format family quantizes it and restores it from the cache; and for calibration
 * schemes the {@link LayerQuantizer} that the {@link CalibrationPipeline} runs.
 */
final class SchemeCodecs {
    private SchemeCodecs() {}

    static SchemeCodec of(Scheme scheme) {
        return switch (scheme) {
            case IntWeightScheme s -> intWeights(s);
            case W8A8IntScheme s -> codec(w -> {
                        if (s.smoothQuantAlpha() > 0) {
                            throw new IllegalStateException(s.name() + " is produced by the calibration pipeline, not per tensor");
                        }
                        return W8A8IntLinear.quantize(w, null);
                    },
                    W8A8IntLinear::restore);
            case Fp8Scheme s -> {
                Fp8Linear.Activations act = s.dynamicActivations() ? Fp8Linear.Activations.DYNAMIC : Fp8Linear.Activations.FLOAT;
                Fp8Linear.Granularity g = s.perChannel() ? Fp8Linear.Granularity.PER_CHANNEL : Fp8Linear.Granularity.PER_TENSOR;
                yield codec(w -> Fp8Linear.quantize(w, act, g), (rows, cols, b) -> Fp8Linear.restore(rows, cols, act, g, b));
            }
            case Nf4Scheme s -> codec(w -> Nf4Linear.quantize(w, Nf4Linear.DEFAULT_BLOCK_SIZE, s.doubleQuant()),
                    (rows, cols, b) -> Nf4Linear.restore(rows, cols, Nf4Linear.DEFAULT_BLOCK_SIZE, s.doubleQuant(), b));
            case GgmlScheme s -> codec(w -> GgmlBlockLinear.quantize(w, s.type()),
                    (rows, cols, b) -> GgmlBlockLinear.restore(rows, cols, s.type(), b));
            case AqlmScheme s -> codec(w -> {
                        throw new IllegalStateException(s.name() + " is produced by the calibration pipeline, not per tensor");
                    },
                    (rows, cols, b) -> AqlmLayerQuantizer.restore(s, rows, cols, b));
            default -> throw new IllegalArgumentException(scheme.name() + ": "
                    + scheme.unavailableReason().orElse("no weight format implements it"));
        };
    }

    /**
     * The per-layer algorithm of a calibration scheme ({@link Scheme#needsCalibration()}); an
     * IllegalArgumentException for a scheme whose algorithm is not built.
     */
    static LayerQuantizer layerQuantizer(Scheme scheme) {
        return switch (scheme) {
            case IntWeightScheme s when s.method() == IntWeightScheme.Method.GPTQ ->
                    new GptqLayerQuantizer(quantizer(s), group(s), GptqConfig.DEFAULT);
            case AqlmScheme s -> new AqlmLayerQuantizer(s, AqlmQuantizer.Options.defaults(s));
            case IntWeightScheme s when s.method() == IntWeightScheme.Method.AWQ -> AwqLayerQuantizer.forScheme(s);
            case IntWeightScheme s when s.method() == IntWeightScheme.Method.AUTOROUND ->
                    new AutoRoundLayerQuantizer(AutoRoundOptions.defaults(quantizer(s), group(s)));
            case W8A8IntScheme s when s.smoothQuantAlpha() > 0 -> SmoothQuantLayerQuantizer.forScheme(s);
            default -> throw new IllegalArgumentException(scheme.name() + ": "
                    + scheme.unavailableReason().orElse("no calibration algorithm implements it"));
        };
    }

    /** Every integer weight-only method shares IntGroupedLinear's layout; only RTN quantizes without data. */
    private static SchemeCodec intWeights(IntWeightScheme s) {
        IntQuantizer quantizer = quantizer(s);
        int group = group(s);
        return codec(w -> {
                    if (s.method() != IntWeightScheme.Method.RTN) {
                        throw new IllegalStateException(s.name() + " is produced by the calibration pipeline, not per tensor");
                    }
                    return IntGroupedLinear.quantize(w, quantizer, group);
                },
                (rows, cols, b) -> IntGroupedLinear.restore(rows, cols, quantizer, group, b));
    }

    private static IntQuantizer quantizer(IntWeightScheme s) {
        return s.symmetric() ? IntQuantizer.symmetric(s.bits(), s.convention()) : IntQuantizer.asymmetric(s.bits());
    }

    private static int group(IntWeightScheme s) {
        return s.perChannel() ? IntGroupedLinear.PER_CHANNEL : s.groupSize();
    }

    @FunctionalInterface
    private interface Quantize {
        QuantizedLinear apply(WeightTensor w);
    }

    @FunctionalInterface
    private interface Restore {
        QuantizedLinear apply(int rows, int cols, Map<String, MemorySegment> buffers);
    }

    private static SchemeCodec codec(Quantize quantize, Restore restore) {
        return new SchemeCodec() {
            @Override
            public QuantizedLinear quantize(WeightTensor weight) {
                return quantize.apply(weight);
            }

            @Override
            public QuantizedLinear restore(int rows, int cols, Map<String, MemorySegment> buffers) {
                return restore.apply(rows, cols, buffers);
            }
        };
    }
}
