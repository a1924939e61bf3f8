package org.quantbench.quant;

/** FP8 E4M3 weights (per channel or per tensor scales), weight-only or with dynamic per-token FP8 activations. */
public record Fp8Scheme(boolean dynamicActivations, boolean perChannel) implements Scheme {

    @Override
    public String name() {
        return (dynamicActivations ? "FP8-dynamic" : "FP8-weight") + (perChannel ? "" : "-tensor");
    }

    @Override
    public String description() {
        return "FP8 E4M3 weights with one scale per " + (perChannel ? "output channel" : "tensor")
                + (dynamicActivations ? "; activations cast to FP8 per token (W8A8-FP)." : "; activations stay float.");
    }
}
