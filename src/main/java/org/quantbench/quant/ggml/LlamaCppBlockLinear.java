package org.quantbench.quant.ggml;

import org.quantbench.engine.Linear;
import org.quantbench.engine.TiledMatmul;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;

/**
 * A Q8_0 / Q4_0 / Q4_1 linear with llama.cpp's CPU arithmetic: each activation row is first quantized to Q8_0 (Q8_1
 * for Q4_1 weights, see {@link Q8Activations}), and block b of an output is {@code dw * dx * sum(qw * qx)}, plus
 * {@code mw * sx} for Q4_1, where sx is the activation block's fp16-rounded sum.
 * <p>
 * How: the quantized activations are widened back to exact floats {@code dx * qx} and fed to the exact-float kernels
 * of {@link GgmlBlockLinear}, whose weights widen to exactly {@code dw * qw} (Q4_1: {@code dw * qw + mw}). That gives
 * {@code sum_b dw dx sum(qw qx) + mw dx sum(qx)}, the same sum as llama.cpp's integer dot products up to the order of
 * float rounding (which llama.cpp's own kernels do not fix either: its GEMV, GEMM and repacked paths sum differently).
 * For Q4_1 the term {@code mw * (sx - dx sum(qx))} is added per block to bring in the fp16 rounding of sx. The GEMV
 * and GEMM kernels give identical outputs, the quantization is per token and the correction is computed the same way
 * for every block size, so outputs do not depend on the number of tokens in a forward step.
 * <p>
 * The corrections run as a second, small matmul (the activation blocks' corrections by the weight blocks'
 * minimums, read from the packed blocks): no copy is kept, the layer's memory is the packed weights alone.
 */
public final class LlamaCppBlockLinear implements Linear {
    private static final int QK = Q8Activations.QK;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final GgmlBlockLinear weights;
    private final int rows;
    private final int cols;
    private final int blocks;
    private final boolean q4_1;

    public LlamaCppBlockLinear(GgmlBlockLinear weights) {
        this.weights = weights;
        this.rows = weights.outFeatures();
        this.cols = weights.inFeatures();
        this.blocks = cols / QK;
        this.q4_1 = weights.type() == DType.Q4_1;
    }

    /** The weights this layer multiplies. */
    public GgmlBlockLinear weights() { return weights; }

    @Override
    public int inFeatures() { return cols; }

    @Override
    public int outFeatures() { return rows; }

    @Override
    public long residentBytes() { return weights.residentBytes(); }

    @Override
    public String format() { return weights.format(); }

    @Override
    public void forward(float[] in, float[] out, int tokens, ComputePool pool) {
        Scratch s = SCRATCH.get().ensure(tokens * cols, tokens * blocks, tokens * rows);
        Q8Activations.quantize(in, 0, tokens * cols, s.codes, 0, s.scales, q4_1 ? s.sums : null, 0);
        for (int b = 0; b < tokens * blocks; b++) {
            float d = s.scales[b];
            int sum = 0;
            for (int i = QK * b; i < QK * b + QK; i++) {
                s.widened[i] = d * s.codes[i];
                sum += s.codes[i];
            }
            if (q4_1) {
                // Exact: an fp16 scale (11 significant bits) times a sum of at most 32 * 127 (12 bits).
                s.sums[b] -= d * sum;
            }
        }
        weights.forward(s.widened, out, tokens, pool);
        if (q4_1) {
            // The corrections are a small matmul of their own: [tokens x blocks] by the minimums [rows x blocks].
            float[] corrected = s.corrected;
            TiledMatmul.forward(rows, blocks, weights::minimums, s.sums, corrected, tokens, pool);
            for (int i = 0; i < tokens * rows; i++) {
                out[i] += corrected[i];
            }
        }
    }

    /** Per-thread buffers of one forward call, grown as needed. */
    private static final class Scratch {
        byte[] codes = new byte[0];
        float[] widened = new float[0];
        float[] scales = new float[0];
        float[] sums = new float[0];
        float[] corrected = new float[0];

        Scratch ensure(int values, int blockCount, int outputs) {
            if (corrected.length < outputs) {
                corrected = new float[outputs];
            }
            if (codes.length < values) {
                codes = new byte[values];
                widened = new float[values];
            }
            if (scales.length < blockCount) {
                scales = new float[blockCount];
                sums = new float[blockCount];
            }
            return this;
        }
    }
}
