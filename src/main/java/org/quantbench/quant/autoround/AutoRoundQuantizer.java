package org.quantbench.quant.autoround;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.awq.ArrayActivations;
import org.quantbench.quant.awq.ChannelStats;
import org.quantbench.quant.awq.DenseGemm;
import org.quantbench.quant.calib.Activations;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;

import java.util.SplittableRandom;

/**
 * AutoRound (Cheng et al., "Optimize Weight Rounding via Signed Gradient Descent") for one linear: signSGD on the
 * rounding offsets and the per-group clipping factors of {@link RoundingState}, minimising the mean squared error of
 * the linear's output {@code ||X (W' - W)^T||^2 / (tokens * rows)} on one calibration sample (L tokens) per step,
 * drawn at random from the seeded generator; the values of the step with the lowest loss are kept. The objective is
 * each linear's own output, a documented simplification of auto-round's whole-block objective (the block's output
 * through attention and the MLP with all its linears quantized at once).
 * <p>
 * With the error {@code E = W' - W} of the current values, a step is either two GEMMs on the blocked Vector API
 * kernel {@link DenseGemm#multiply}, {@code R = X_b E^T} ({@code L x rows}, the output error, whose squares are the loss) and
 * {@code G = R^T X_b} ({@code rows x cols}, the gradient with respect to the quantized weights up to a positive factor,
 * which signSGD ignores), or, given the sample's Gram matrix ({@link SampleGrams}, when {@code cols < 2 L}), the one
 * GEMM {@code G = E H_b} with the loss {@code tr(E H_b E^T)}: the same numbers up to float rounding. The element-wise
 * fake quantization and update are split over rows on the pool.
 */
public final class AutoRoundQuantizer {

    /**
     * @param linear        the quantized layer from the best step's values
     * @param firstLoss     the loss of step 0 (no offsets, no clipping: round-to-nearest) on its sample
     * @param bestLoss      the lowest step loss, each on its own sample
     * @param bestIteration the step that reached it
     */
    public record Result(IntGroupedLinear linear, double firstLoss, double bestLoss, int bestIteration) {}

    private AutoRoundQuantizer() {}

    /** As {@link #quantize(float[], int, int, Activations, SampleGrams, AutoRoundOptions, long, ComputePool)} on {@code samples x tokens} rows of x. */
    public static Result quantize(float[] w, int rows, int cols, float[] x, int samples, int tokens, AutoRoundOptions options,
                                  long seed, ComputePool pool) {
        Activations a = new ArrayActivations(x, samples, tokens, cols);
        return quantize(w, rows, cols, a, SampleGrams.pays(a) ? SampleGrams.of(a, pool) : null, options, seed, pool);
    }

    /**
     * @param w    the float weights, {@code rows x cols} row-major
     * @param x     the linear's calibration inputs; each step reads one sample
     * @param grams the Gram matrices of x's samples for the one-GEMM step, or null for the two-GEMM step
     * @param seed  picks the sample of each step
     */
    public static Result quantize(float[] w, int rows, int cols, Activations x, SampleGrams grams, AutoRoundOptions options,
                                  long seed, ComputePool pool) {
        if (x.width() != cols || (grams != null && (grams.cols() != cols || grams.samples() != x.samples()))) {
            throw new IllegalArgumentException("inputs of " + x.width() + " channels for a weight of " + cols + " columns");
        }
        ChannelStats.checkFinite(w, rows, cols);
        int tokens = x.tokens();
        RoundingState state = new RoundingState(w, rows, cols, options);
        RoundingState best = state.copy();
        SplittableRandom random = new SplittableRandom(seed);
        boolean direct = grams == null;
        float[] xb = direct ? new float[tokens * cols] : null;
        float[] eT = direct ? new float[rows * cols] : null;
        float[] residual = direct ? new float[tokens * rows] : null;
        float[] residualT = direct ? new float[tokens * rows] : null;
        float[] e = new float[rows * cols];
        float[] grad = new float[rows * cols];
        double firstLoss = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestIteration = 0;
        int chunks = TiledMatmul.chunks(rows);
        for (int it = 0; it < options.iterations(); it++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("AutoRound cancelled at step " + it);
            }
            int sample = random.nextInt(x.samples());
            pool.forEach(chunks, (long) TiledMatmul.CHUNK_ROWS * cols, c -> state.error(rowStart(c), rowEnd(c, rows), e));
            double loss = 0;
            if (direct) {
                x.read(sample, xb, 0);
                ChannelStats.checkFinite(xb, tokens, cols);
                DenseGemm.transposeInto(e, rows, cols, eT);
                DenseGemm.multiply(xb, tokens, cols, eT, rows, residual, pool);
                for (float r : residual) {
                    loss += (double) r * r;
                }
            } else {
                DenseGemm.multiply(e, rows, cols, grams.sample(sample), cols, grad, pool);
                for (int r = 0; r < rows; r++) {
                    loss += MatmulKernels.dot(e, r * cols, grad, r * cols, cols);
                }
            }
            loss /= (double) tokens * rows;
            if (it == 0) {
                firstLoss = loss;
            }
            if (loss < bestLoss) {
                bestLoss = loss;
                bestIteration = it;
                best.copyFrom(state);
            }
            if (direct) {
                DenseGemm.transposeInto(residual, tokens, rows, residualT);
                DenseGemm.multiply(residualT, rows, tokens, xb, cols, grad, pool);
            }
            float lr = (float) (options.learningRate() * (1.0 - (double) it / options.iterations()));
            pool.forEach(chunks, (long) TiledMatmul.CHUNK_ROWS * cols, c -> state.step(grad, lr, rowStart(c), rowEnd(c, rows)));
        }
        return new Result(best.toLinear(options.groupSize()), firstLoss, bestLoss, bestIteration);
    }

    private static int rowStart(int chunk) {
        return chunk * TiledMatmul.CHUNK_ROWS;
    }

    private static int rowEnd(int chunk, int rows) {
        return Math.min(rows, (chunk + 1) * TiledMatmul.CHUNK_ROWS);
    }
}
