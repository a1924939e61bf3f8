package org.quantbench.quant.aqlm;

import org.quantbench.quant.AqlmScheme;
import org.quantbench.tensor.ComputePool;

/**
 * AQLM's algorithm for one linear: find codes, codebooks and scales minimizing the output error on the calibration
 * inputs, {@code ||(W - What) X^T||^2 = tr((W - What) H (W - What)^T)} with {@code H = X^T X}.
 * <ol>
 *   <li>Scales start at each row's RMS; the codebooks are a residual k-means of the normalized groups
 *   ({@link ResidualKMeans}); then the scales are fitted (round 0).</li>
 *   <li>Each round: a beam search over the codes of every group ({@link CodeSearch}), a conjugate-gradient least-squares
 *   update of the codebooks ({@link CodebookSolver}), and the closed-form scales
 *   {@code s_r = (z_r H w_r^T) / (z_r H z_r^T)} ({@code z_r} the row before scaling). Codebooks and scales are rounded
 *   to float16 after each update, so the loss reported is the stored layer's.</li>
 * </ol>
 * Every step lowers the objective (up to the float16 rounding), the result depends only on the inputs and the seed
 * (not on the thread count), and the loss of each round goes to the progress callback. The cost of a round is
 * dominated by {@code 2 + codebookSteps} products {@code rows x cols x cols} and by the code search's
 * {@code beam x M x 2^B x 9} flops per group and row: 1x16's 65,536-entry codebook gives its k-means 256 times 2x8's
 * work per step, and its search (beam 1) 16 times that of 2x8's (beam 8).
 */
public final class AqlmQuantizer {
    private static final float HALF_MAX = 65504f;

    private AqlmQuantizer() {}

    /**
     * @param rounds           rounds after the initialisation (at least 1)
     * @param beam             hypotheses the code search keeps per group (1 = greedy, one codebook at a time)
     * @param kmeansIterations Lloyd iterations per codebook of the initialisation
     * @param codebookSteps    conjugate-gradient steps of each codebook update
     * @param tolerance        stop early once a round lowers the loss by less than this fraction (0: never)
     */
    public record Options(int rounds, int beam, int kmeansIterations, int codebookSteps, double tolerance) {
        public Options {
            if (rounds < 1 || beam < 1 || beam > 64 || kmeansIterations < 0 || codebookSteps < 0
                    || !(tolerance >= 0 && tolerance < 1)) {
                throw new IllegalArgumentException("AQLM options out of range: " + rounds + " rounds, beam " + beam
                        + ", " + kmeansIterations + " k-means iterations, " + codebookSteps + " codebook steps, tolerance "
                        + tolerance);
            }
        }

        /** 2x8's defaults. */
        public static Options defaults() {
            return new Options(8, 8, 10, 8, 0.005);
        }

        /**
         * The defaults for a scheme: 1x16 evaluates 256 times as many codewords per group as 2x8, so it gets a greedy
         * search (beam 1), 2 k-means iterations and 4 rounds, to stay within a few times 2x8's time.
         */
        public static Options defaults(AqlmScheme scheme) {
            return scheme.codebookBits() > 8 ? new Options(4, 1, 2, 8, 0.005) : defaults();
        }
    }

    /** Called after the initialisation (round 0) and after each round. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param loss         {@code tr((W - What) H (W - What)^T)}
         * @param relativeLoss the loss over {@code tr(W H W^T)} (0 for a layer whose outputs are all zero)
         */
        void round(int round, int rounds, double loss, double relativeLoss);
    }

    /** {@link #quantize(float[], int, int, float[], AqlmScheme, long, Options, ComputePool, Progress)} with the scheme's defaults. */
    public static AqlmLinear quantize(float[] w, int rows, int cols, float[] hessian, AqlmScheme scheme, long seed,
                                      Progress progress) {
        return quantize(w, rows, cols, hessian, scheme, seed, Options.defaults(scheme), ComputePool.shared(), progress);
    }

    /**
     * @param w       the weights, {@code rows x cols} row-major, cols a multiple of 8
     * @param hessian {@code X^T X} (any positive multiple), {@code cols x cols}; symmetrized here
     * @throws IllegalArgumentException for a bad shape, a non-finite weight or Hessian entry, or weights too large for
     *                                  float16 scales
     */
    public static AqlmLinear quantize(float[] w, int rows, int cols, float[] hessian, AqlmScheme scheme, long seed,
                                      Options options, ComputePool pool, Progress progress) {
        AqlmLinear.checkShape(rows, cols);
        if (w.length != rows * cols || hessian.length != cols * cols) {
            throw new IllegalArgumentException("AQLM needs " + rows + "x" + cols + " weights and a " + cols + "x" + cols
                    + " Hessian, got " + w.length + " and " + hessian.length + " values");
        }
        requireFinite(w, "weight");
        requireFinite(hessian, "Hessian entry");
        float[] h = symmetric(hessian, cols);
        HessianProducts hp = new HessianProducts(h, cols, pool);
        float[] wh = new float[rows * cols];
        hp.times(w, rows, wh);
        double total = 0;
        for (int i = 0; i < wh.length; i++) {
            total += (double) w[i] * wh[i];
        }
        AqlmState st = new AqlmState(rows, cols, scheme.codebooks(), 1 << scheme.codebookBits());
        initialize(st, w, h, options, seed, pool);
        float[] z = st.unscaled();
        float[] zh = new float[rows * cols];
        float[] eh = new float[rows * cols];
        hp.times(z, rows, zh);
        double loss = fitScales(st, z, zh, w, wh, eh);
        progress.round(0, options.rounds(), loss, relative(loss, total));
        for (int round = 1; round <= options.rounds(); round++) {
            CodeSearch.run(st, w, h, eh, options.beam(), pool);
            residualProduct(st, w, wh, zh, eh, hp);
            CodebookSolver.solve(st, eh, hp, options.codebookSteps());
            st.roundCodebooks();
            z = residualProduct(st, w, wh, zh, eh, hp);
            double before = loss;
            loss = fitScales(st, z, zh, w, wh, eh);
            progress.round(round, options.rounds(), loss, relative(loss, total));
            if (before - loss < options.tolerance() * before) {
                break;
            }
        }
        return AqlmLinear.of(scheme, rows, cols, st.codes, st.codebook, st.scales);
    }

    private static void requireFinite(float[] v, String what) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("AQLM " + what + " " + i + " is " + v[i]);
            }
        }
    }

    private static float[] symmetric(float[] hessian, int cols) {
        float[] h = new float[cols * cols];
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                h[i * cols + j] = 0.5f * (hessian[i * cols + j] + hessian[j * cols + i]);
            }
        }
        return h;
    }

    private static double relative(double loss, double total) {
        return total > 0 ? loss / total : 0;
    }

    /** RMS scales (float16), then the residual k-means of the rows divided by them, codebooks rounded to float16. */
    private static void initialize(AqlmState st, float[] w, float[] h, Options options, long seed, ComputePool pool) {
        int cols = st.cols;
        float[] target = new float[w.length];
        float[] rowWeight = new float[st.rows];
        for (int r = 0; r < st.rows; r++) {
            double sq = 0;
            for (int c = 0; c < cols; c++) {
                sq += (double) w[r * cols + c] * w[r * cols + c];
            }
            float s = half(checkedScale((float) Math.sqrt(sq / cols), r));
            st.scales[r] = s;
            rowWeight[r] = s * s;
            for (int c = 0; c < cols && s != 0f; c++) {
                target[r * cols + c] = w[r * cols + c] / s;
            }
        }
        float[] diag = new float[cols];
        for (int c = 0; c < cols; c++) {
            diag[c] = Math.max(0f, h[c * cols + c]);
        }
        ResidualKMeans.initialize(st, target, rowWeight, diag, options.kmeansIterations(), seed, pool);
        st.roundCodebooks();
        for (float v : st.codebook) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("AQLM codebook value " + v + " does not fit float16");
            }
        }
    }

    /** The unscaled rows z, {@code zh = z H} and {@code eh = (s z - W) H = s zh - wh}; returns z. */
    private static float[] residualProduct(AqlmState st, float[] w, float[] wh, float[] zh, float[] eh, HessianProducts hp) {
        float[] z = st.unscaled();
        hp.times(z, st.rows, zh);
        for (int r = 0; r < st.rows; r++) {
            float s = st.scales[r];
            for (int c = r * st.cols; c < (r + 1) * st.cols; c++) {
                eh[c] = s * zh[c] - wh[c];
            }
        }
        return z;
    }

    /**
     * Closed-form scales {@code s_r = (zh_r . w_r) / (zh_r . z_r)} rounded to float16 (kept where the row has no
     * signal), then {@code eh = s zh - wh}; returns the loss {@code sum_r (s z_r - w_r) . eh_r}.
     */
    private static double fitScales(AqlmState st, float[] z, float[] zh, float[] w, float[] wh, float[] eh) {
        double loss = 0;
        int cols = st.cols;
        for (int r = 0; r < st.rows; r++) {
            double num = 0;
            double den = 0;
            for (int c = r * cols; c < (r + 1) * cols; c++) {
                num += (double) zh[c] * w[c];
                den += (double) zh[c] * z[c];
            }
            if (den > 0) {
                st.scales[r] = half(checkedScale((float) (num / den), r));
            }
            float s = st.scales[r];
            for (int c = r * cols; c < (r + 1) * cols; c++) {
                eh[c] = s * zh[c] - wh[c];
                loss += (double) (s * z[c] - w[c]) * eh[c];
            }
        }
        return loss;
    }

    private static float checkedScale(float s, int row) {
        if (!(Math.abs(s) <= HALF_MAX)) {
            throw new IllegalArgumentException("AQLM scale of row " + row + " (" + s + ") does not fit float16");
        }
        return s;
    }

    private static float half(float v) {
        return AqlmState.half(v);
    }
}
