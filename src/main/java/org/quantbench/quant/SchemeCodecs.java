package org.quantbench.quant;

import org.quantbench.quant.fp8.Fp8Linear;
import org.quantbench.quant.ggml.GgmlBlockLinear;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.quant.intq.W8A8IntLinear;
import org.quantbench.quant.nf4.Nf4Linear;
import org.quantbench.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/** The codec of each scheme: which format family quantizes it and restores it from the cache. */
final class SchemeCodecs {
    private SchemeCodecs() {}

    static SchemeCodec of(Scheme scheme) {
        return switch (scheme) {
            case IntWeightScheme s when s.method() == IntWeightScheme.Method.RTN -> intWeights(s);
            case W8A8IntScheme s when s.smoothQuantAlpha() == 0 -> codec(
                    w -> W8A8IntLinear.quantize(w, null),
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
            default -> throw new IllegalArgumentException(scheme.name() + ": "
                    + scheme.unavailableReason().orElse("no weight format implements it"));
        };
    }

    private static SchemeCodec intWeights(IntWeightScheme s) {
        IntQuantizer quantizer = s.symmetric() ? IntQuantizer.symmetric(s.bits(), s.convention())
                : IntQuantizer.asymmetric(s.bits());
        int group = s.perChannel() ? IntGroupedLinear.PER_CHANNEL : s.groupSize();
        return codec(w -> IntGroupedLinear.quantize(w, quantizer, group),
                (rows, cols, b) -> IntGroupedLinear.restore(rows, cols, quantizer, group, b));
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
