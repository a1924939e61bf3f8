package org.quantbench.quant.calib;

/**
 * A calibration algorithm (GPTQ, AWQ, SmoothQuant, AutoRound, AQLM) as the {@link CalibrationPipeline} runs it:
 * once per decoder layer, in order, with that layer's float weights and its captured inputs.
 * <p>
 * Contract:
 * <ul>
 *   <li>Read the float weights with {@link LayerContext#weight} / {@link LayerContext#weightRows}, the inputs with
 *   {@link LayerContext#inputs} (computed when first asked for).</li>
 *   <li>"True sequential" inside the layer: {@link LayerContext#commit} a quantized linear before asking for a later
 *   group's inputs, and those inputs are computed through it (GPTQ does this: q/k/v, then o, then gate/up, then
 *   down). Inputs asked for before any commit come from the float layer (AWQ asks for all of them first).</li>
 *   <li>Return a quantized linear for every role, and optionally new attn_norm / ffn_norm vectors; the pipeline then
 *   runs the layer as returned to produce the next layer's input, and stores the norms with the quantized model.</li>
 *   <li>Throw IllegalArgumentException (or {@link LayerQuantizationException}) with a message naming the linear
 *   when the layer cannot be quantized; the pipeline adds the layer index and the job fails leaving no cache entry.</li>
 * </ul>
 * Implementations must be deterministic for a given {@link LayerContext#seed()} and may use
 * {@link LayerContext#pool()} for parallel work.
 */
@FunctionalInterface
public interface LayerQuantizer {

    LayerResult quantize(LayerContext context);
}
