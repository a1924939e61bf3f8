package org.quantbench.workbench.table;

import org.quantbench.workbench.results.ResultRow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Header, unit, direction and order of the metrics the run executor stores (step / metric names are listed in
 * docs/run-config.md). Unknown metrics get a plain column after the known ones of their step.
 */
public final class MetricColumns {
    /** Steps in table order; tasks ({@code task:<name>}) sit between KLD and throughput. */
    private static final List<String> STEPS = List.of("memory", "perplexity", "kld", "task:", "throughput");
    private static final List<String> METRICS = List.of("bits_per_weight", "disk_bytes", "resident_bytes",
            "quantize_seconds", "peak_rss_bytes", "perplexity", "kld_mean", "kld_median", "kld_p99", "kld_max",
            "top1_agreement_pct", "ln_ppl_ratio", "acc", "acc_norm", "prefill_tok_s", "decode_tok_s");

    static final Comparator<Column> ORDER = Comparator.comparingInt((Column c) -> stepRank(c.step()))
            .thenComparing(c -> c.step().startsWith("task:") ? c.step() : "")
            .thenComparingInt(c -> metricRank(c.metric()))
            .thenComparing(Column::metric);

    private MetricColumns() {}

    /** The column of a stored metric. Throughput metrics carry their stream count: {@code decode_tok_s@4}. */
    public static Column of(String step, String metric) {
        String base = metric.contains("@") ? metric.substring(0, metric.indexOf('@')) : metric;
        String streams = metric.contains("@") ? metric.substring(metric.indexOf('@') + 1) : null;
        String task = step.startsWith("task:") ? step.substring(5) + " " : "";
        return switch (base) {
            case "bits_per_weight" -> new Column(step, metric, "bits/weight", null, "");
            case "disk_bytes" -> new Column(step, metric, "disk", false, "bytes");
            case "resident_bytes" -> new Column(step, metric, "resident", false, "bytes");
            case "quantize_seconds" -> new Column(step, metric, "quantize time", false, "s");
            case "peak_rss_bytes" -> new Column(step, metric, "peak RSS" + (step.equals("memory") ? "" : " (" + step + ")"), false, "bytes");
            case "perplexity" -> new Column(step, metric, step.equals("perplexity") ? "perplexity" : task + "perplexity", false, "");
            case "kld_mean" -> new Column(step, metric, "KLD mean", false, "nats");
            case "kld_median" -> new Column(step, metric, "KLD median", false, "nats");
            case "kld_p99" -> new Column(step, metric, "KLD p99", false, "nats");
            case "kld_max" -> new Column(step, metric, "KLD max", false, "nats");
            case "top1_agreement_pct" -> new Column(step, metric, "top-1 agreement", true, "%");
            case "ln_ppl_ratio" -> new Column(step, metric, "ln(PPL ratio)", false, "");
            case "acc", "acc_norm" -> new Column(step, metric, task + base, true, "");
            case "prefill_tok_s" -> new Column(step, metric, "prefill" + (streams != null ? " x" + streams : ""), true, "tok/s");
            case "decode_tok_s" -> new Column(step, metric, "decode" + (streams != null ? " x" + streams : ""), true, "tok/s");
            default -> new Column(step, metric, task + metric, null, "");
        };
    }

    /** The columns a failed step would have filled: those other rows have for it, else one placeholder. */
    static List<Column> forFailedStep(String step, List<ResultRow> rows) {
        Set<Column> out = new LinkedHashSet<>();
        for (ResultRow r : rows) {
            if (r.step().equals(step)) {
                out.add(of(r.step(), r.metric()));
            }
        }
        if (out.isEmpty()) {
            out.add(new Column(step, "-", step.startsWith("task:") ? step.substring(5) : step, null, ""));
        }
        return new ArrayList<>(out);
    }

    private static int stepRank(String step) {
        for (int i = 0; i < STEPS.size(); i++) {
            if (step.equals(STEPS.get(i)) || (STEPS.get(i).endsWith(":") && step.startsWith(STEPS.get(i)))) {
                return i;
            }
        }
        return STEPS.size();
    }

    private static int metricRank(String metric) {
        String base = metric.contains("@") ? metric.substring(0, metric.indexOf('@')) : metric;
        int i = METRICS.indexOf(base);
        return i < 0 ? METRICS.size() : i;
    }
}
