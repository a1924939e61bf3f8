package org.quantbench.eval.kld;

import org.quantbench.eval.PerplexityResult;

/**
 * How far a model's next-token distributions are from the base model's over the same scored tokens: statistics of
 * the per-token KL(P_base || P_model) (natural log, top-k form, see {@link TopLogits#kl}), the share of tokens whose
 * most likely next token is the same, and ln(PPL_model / PPL_base) over the same tokens.
 *
 * @param p99Kld           nearest-rank 99th percentile
 * @param modelPerplexity the compared model's own perplexity on these tokens, summed exactly as
 *                        {@link org.quantbench.eval.PerplexityEvaluator} sums it (same value, bit for bit), so a run
 *                        need not score the text a second time
 */
public record KldResult(double meanKld, double kldStderr, double medianKld, double p99Kld, double maxKld,
                        double top1Agreement, double lnPplRatio, double pplBase, double pplModel, long tokens,
                        int windows, int topK, String definition, PerplexityResult modelPerplexity) {
}
