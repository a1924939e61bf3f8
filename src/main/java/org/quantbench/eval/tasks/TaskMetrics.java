package org.quantbench.eval.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * The aggregate metrics of lm-eval: {@code acc} / {@code acc_norm} as means of 0/1 scores with the standard error of
 * the mean ({@code sqrt(p(1-p)/(n-1))}, lm-eval's {@code mean_stderr}); for last-word tasks {@code acc} and
 * {@code perplexity = exp(-mean log-likelihood)}; for groups (MMLU) the mean over all items (lm-eval's
 * {@code weight_by_size}) with the pooled standard error of lm-eval's {@code pooled_sample_stderr}.
 */
public final class TaskMetrics {
    private TaskMetrics() {}

    public static List<Metric> of(TaskKind kind, boolean accNorm, List<ItemScore> items) {
        int n = items.size();
        double[] acc = new double[n];
        double[] norm = new double[n];
        double[] ll = new double[n];
        for (int i = 0; i < n; i++) {
            ItemScore s = items.get(i);
            if (kind == TaskKind.LAST_WORD) {
                acc[i] = s.greedy()[0] ? 1 : 0;
                ll[i] = s.logLikelihoods()[0];
            } else {
                acc[i] = s.pred() == s.gold() ? 1 : 0;
                norm[i] = s.predNorm() == s.gold() ? 1 : 0;
            }
        }
        List<Metric> out = new ArrayList<>();
        out.add(new Metric("acc", mean(acc), stderr(acc)));
        if (kind == TaskKind.LAST_WORD) {
            out.add(new Metric("perplexity", Math.exp(-mean(ll)), null));
        } else if (accNorm) {
            out.add(new Metric("acc_norm", mean(norm), stderr(norm)));
        }
        return out;
    }

    /** A group's metric from its tasks' values, standard errors and item counts. */
    public static Metric pooled(String name, double[] values, Double[] stderrs, int[] sizes) {
        double total = 0;
        double weighted = 0;
        double variance = 0;
        for (int i = 0; i < values.length; i++) {
            total += sizes[i];
            weighted += values[i] * sizes[i];
            if (stderrs[i] != null && sizes[i] > 1) {
                variance += (sizes[i] - 1) * stderrs[i] * stderrs[i] * sizes[i];
            }
        }
        double dof = total - values.length;
        Double se = dof > 0 ? Math.sqrt(variance / dof / total) : null;
        return new Metric(name, total == 0 ? Double.NaN : weighted / total, se);
    }

    static double mean(double[] x) {
        if (x.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }

    /** Sample standard deviation over sqrt(n), as lm-eval's {@code mean_stderr}; null below two items. */
    static Double stderr(double[] x) {
        int n = x.length;
        if (n < 2) {
            return null;
        }
        double mu = mean(x);
        double ss = 0;
        for (double v : x) {
            ss += (v - mu) * (v - mu);
        }
        return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    }

    /** The first index of the largest value, as numpy's argmax. */
    static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
