package org.quantbench.quant.ggml;

import org.quantbench.engine.Linear;
import org.quantbench.engine.TiledMatmul;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;

import java.lang.foreign.MemorySegment;

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
 * The correction reads Q4_1's block minimums from the packed blocks, right after the matmul has read the same rows
 * (so mostly from cache), and keeps no copy: the layer's memory is the packed weights alone.
 */
public final class LlamaCppBlockLinear implements Linear {
    private static final int QK = Q8Activations.QK;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final GgmlBlockLinear weights;
    private final int rows;
    private final int cols;
    private final int blocks;
    private final boolean q4_1;
    private final MemorySegment data;
    private final long rowBytes;

    public LlamaCppBlockLinear(GgmlBlockLinear weights) {
        this.weights = weights;
        this.rows = weights.outFeatures();
        this.cols = weights.inFeatures();
        this.blocks = cols / QK;
        this.q4_1 = weights.type() == DType.Q4_1;
        this.data = weights.toTensor("blocks").data();
        this.rowBytes = weights.type().bytesFor(cols);
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
        Scratch s = SCRATCH.get().ensure(tokens * cols, tokens * blocks);
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
            float[] corrections = s.sums;
            pool.forEach(TiledMatmul.chunks(rows), TiledMatmul.workPerChunk(blocks, tokens), c -> {
                int r1 = Math.min(rows, (c + 1) * TiledMatmul.CHUNK_ROWS);
                for (int r = c * TiledMatmul.CHUNK_ROWS; r < r1; r++) {
                    for (int t = 0; t < tokens; t++) {
                        float acc = 0f;
                        for (int b = 0; b < blocks; b++) {
                            float m = Float.float16ToFloat(data.get(GgmlBlockDecoder.F16, r * rowBytes + 20L * b + 2));
                            acc += m * corrections[t * blocks + b];
                        }
                        out[t * rows + r] += acc;
                    }
                }
            });
        }
    }

    /** Per-thread buffers of one forward call, grown as needed. */
    private static final class Scratch {
        byte[] codes = new byte[0];
        float[] widened = new float[0];
        float[] scales = new float[0];
        float[] sums = new float[0];

        Scratch ensure(int values, int blockCount) {
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
