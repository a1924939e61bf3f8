package org.quantbench.quant.autoround;

import org.quantbench.engine.TiledMatmul;
import org.quantbench.quant.awq.ArrayActivations;
import org.quantbench.quant.awq.ChannelStats;
import org.quantbench.quant.awq.DenseGemm;
import org.quantbench.quant.calib.Activations;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.tensor.ComputePool;

import java.util.SplittableRandom;

/**
 * AutoRound (Cheng et al., "Optimize Weight Rounding via Signed Gradient Descent") for one linear: signSGD on the
 * rounding offsets and the per-group clipping factors of {@link RoundingState}, minimising the mean squared error of
 * the linear's output {@code ||X (W' - W)^T||^2 / (tokens * rows)} on one calibration sample (L tokens) per step,
 * drawn at random from the seeded generator; the values of the step with the lowest loss are kept. The objective is
 * each linear's own output, a documented simplification of auto-round's whole-block objective (the block's output
 * through attention and the MLP with all its linears quantized at once).
 * <p>
 * A step is two GEMMs on {@link TiledMatmul}'s blocked Vector API kernel: {@code R = X_b E^T} ({@code L x rows}, the
 * output error, whose squares are the loss) and {@code G = R^T X_b} ({@code rows x cols}, the gradient with respect to
 * the quantized weights up to a positive factor, which signSGD ignores), plus the element-wise fake quantization and
 * update, split over rows on the pool.
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

    /** As {@link #quantize(float[], int, int, Activations, AutoRoundOptions, long, ComputePool)} on {@code samples x tokens} rows of x. */
    public static Result quantize(float[] w, int rows, int cols, float[] x, int samples, int tokens, AutoRoundOptions options,
                                  long seed, ComputePool pool) {
        return quantize(w, rows, cols, new ArrayActivations(x, samples, tokens, cols), options, seed, pool);
    }

    /**
     * @param w    the float weights, {@code rows x cols} row-major
     * @param x    the linear's calibration inputs; each step reads one sample
     * @param seed picks the sample of each step
     */
    public static Result quantize(float[] w, int rows, int cols, Activations x, AutoRoundOptions options, long seed,
                                  ComputePool pool) {
        if (x.width() != cols) {
            throw new IllegalArgumentException("inputs of " + x.width() + " channels for a weight of " + cols + " columns");
        }
        ChannelStats.checkFinite(w, rows, cols);
        int tokens = x.tokens();
        RoundingState state = new RoundingState(w, rows, cols, options);
        RoundingState best = state.copy();
        SplittableRandom random = new SplittableRandom(seed);
        float[] xb = new float[tokens * cols];
        float[] xbT = new float[tokens * cols];
        float[] e = new float[rows * cols];
        float[] residual = new float[tokens * rows];
        float[] residualT = new float[tokens * rows];
        float[] grad = new float[rows * cols];
        double firstLoss = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestIteration = 0;
        int chunks = TiledMatmul.chunks(rows);
        for (int it = 0; it < options.iterations(); it++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("AutoRound cancelled at step " + it);
            }
            x.read(random.nextInt(x.samples()), xb, 0);
            ChannelStats.checkFinite(xb, tokens, cols);
            pool.forEach(chunks, (long) TiledMatmul.CHUNK_ROWS * cols, c -> state.error(rowStart(c), rowEnd(c, rows), e));
            DenseGemm.multiplyTransposed(xb, tokens, e, rows, cols, residual, pool);
            double loss = 0;
            for (float r : residual) {
                loss += (double) r * r;
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
            DenseGemm.transposeInto(residual, tokens, rows, residualT);
            DenseGemm.transposeInto(xb, tokens, cols, xbT);
            DenseGemm.multiplyTransposed(residualT, rows, xbT, cols, tokens, grad, pool);
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
