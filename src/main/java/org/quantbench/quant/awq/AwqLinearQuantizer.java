package org.quantbench.quant.awq;

import org.quantbench.quant.intq.IntGroupParams;
import org.quantbench.quant.intq.IntGroupedLinear;
import org.quantbench.quant.intq.IntQuantizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.MatmulKernels;

/**
 * The last step of AWQ for one linear whose scales are already folded in: the clip search, then the codes. For each
 * group of columns and each clip factor f of {@link AwqOptions#clipFactor}, every row's group is rounded with its
 * range clamped to {@code +-f * absmax} and scored by the error of that group's share of the output,
 * {@code e H_gg e^T} with {@code H_gg} the group's diagonal block of the input Gram matrix (AutoAWQ scores the same
 * per-group partial outputs); each (row, group) keeps its best f (f = 1, no clipping, is always a candidate). AutoAWQ
 * skips the clip search for q and k, whose errors pass through the attention softmax.
 */
public final class AwqLinearQuantizer {
    /** The quantized layer and the mean squared output error of its weights on the calibration inputs. */
    public record Result(IntGroupedLinear linear, double outputMse) {}

    private AwqLinearQuantizer() {}

    /**
     * @param w      {@code rows x cols}, scales folded in
     * @param gram   Gram matrix of the inputs this weight sees (scales folded in: {@link ChannelScaling#scaleGram})
     * @param tokens tokens behind the Gram matrix, for the mean
     * @param clip   whether to search clip factors (false: plain RTN)
     */
    public static Result quantize(float[] w, int rows, int cols, float[] gram, long tokens, boolean clip,
                                  AwqOptions options, ComputePool pool) {
        ChannelStats.checkFinite(w, rows, cols);
        int g = options.groupColumns(cols);
        int groups = (cols + g - 1) / g;
        float[] factors = new float[rows * groups];
        java.util.Arrays.fill(factors, 1f);
        ClippedRounding rounding = new ClippedRounding(IntQuantizer.asymmetric(options.bits()));
        if (clip) {
            for (int k = 0; k < groups; k++) {
                searchClip(w, rows, cols, k * g, Math.min(g, cols - k * g), gram, options, rounding, factors, k, groups, pool);
            }
        }
        byte[] codes = new byte[rows * cols];
        float[] scales = new float[rows * groups];
        int[] zeros = new int[rows * groups];
        float[] wq = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < groups; k++) {
                int c0 = r * cols + k * g;
                IntGroupParams p = rounding.round(w, c0, Math.min(g, cols - k * g), factors[r * groups + k], wq, c0, codes, c0);
                scales[r * groups + k] = p.scale();
                zeros[r * groups + k] = p.zero();
            }
        }
        IntGroupedLinear linear = IntGroupedLinear.fromCodes(rows, cols, rounding.quantizer(), options.groupSize(),
                codes, scales, zeros);
        double sse = OutputError.sumSquares(OutputError.difference(wq, w), rows, cols, gram, pool);
        return new Result(linear, sse / ((double) tokens * rows));
    }

    /** Best clip factor per row for the group of columns {@code [c0, c0+len)}, written to {@code factors[r*groups + k]}. */
    private static void searchClip(float[] w, int rows, int cols, int c0, int len, float[] gram, AwqOptions options,
                                   ClippedRounding rounding, float[] factors, int k, int groups, ComputePool pool) {
        float[] block = new float[len * len];
        for (int i = 0; i < len; i++) {
            System.arraycopy(gram, (c0 + i) * cols + c0, block, i * len, len);
        }
        int n = options.clipSteps();
        float[] errors = new float[n * rows * len];
        for (int i = 0; i < n; i++) {
            float f = options.clipFactor(i);
            for (int r = 0; r < rows; r++) {
                int at = (i * rows + r) * len;
                rounding.round(w, r * cols + c0, len, f, errors, at, null, 0);
                for (int j = 0; j < len; j++) {
                    errors[at + j] -= w[r * cols + c0 + j];
                }
            }
        }
        float[] eh = new float[errors.length];
        DenseGemm.multiply(errors, n * rows, len, block, len, eh, pool);
        for (int r = 0; r < rows; r++) {
            float best = Float.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                int at = (i * rows + r) * len;
                float err = MatmulKernels.dot(errors, at, eh, at, len);
                if (err < best) {
                    best = err;
                    factors[r * groups + k] = options.clipFactor(i);
                }
            }
        }
    }
}
