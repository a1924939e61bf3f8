package org.quantbench.workbench.report;

import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.StepFailure;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.RunResults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A made-up run shaped like the seed studies: a base, a bits sweep of RTN and GPTQ at group 128, a GGUF type and
 * a scheme whose quantization failed. Numbers are invented but keep the usual order (fewer bits, worse quality).
 */
final class SampleResults {
    static final String RUN = "run-1";

    private final List<ResultRow> rows = new ArrayList<>();
    private final List<StepFailure> failures = new ArrayList<>();

    static SampleResults seedStudy() {
        SampleResults s = new SampleResults();
        s.scheme("base", 16.0, 269e6, 269e6, 26.8, null, null, 0.60, 0.70, 300, 40, 110);
        s.scheme("W8A16-RTN-g128-sym", 8.25, 150e6, 140e6, 26.9, 0.002, 0.03, 0.60, 0.70, 320, 55, 150);
        s.scheme("W4A16-RTN-g128-sym", 4.25, 90e6, 80e6, 29.5, 0.09, 0.9, 0.55, 0.66, 330, 70, 190);
        s.scheme("W4A16-GPTQ-g128-sym", 4.25, 90e6, 80e6, 27.9, 0.05, 0.6, 0.58, 0.68, 330, 70, 190);
        s.scheme("W3A16-RTN-g128-sym", 3.25, 75e6, 65e6, 60.0, 0.5, 4.0, 0.45, 0.60, 330, 72, 200);
        s.scheme("W3A16-GPTQ-g128-sym", 3.25, 75e6, 65e6, 35.0, 0.2, 2.0, 0.52, 0.64, 330, 72, 200);
        s.scheme("W2A16-RTN-g128-sym", 2.25, 60e6, 50e6, 2500.0, 3.5, 12.0, 0.26, 0.50, 330, 74, 210);
        s.scheme("Q4_0", 4.5, 92e6, 82e6, 28.4, 0.07, 0.8, 0.57, 0.67, 400, 90, 250);
        s.failures.add(new StepFailure(RUN, "AQLM-2x8", "quantize", "not available: AQLM needs the calibration pipeline",
                Instant.EPOCH));
        return s;
    }

    private void scheme(String scheme, double bits, double disk, double resident, double ppl, Double kldMean,
                        Double kldP99, double arcEasy, double piqa, double prefill, double decode, double decode4) {
        add(scheme, "memory", "bits_per_weight", bits, null);
        add(scheme, "memory", "disk_bytes", disk, null);
        add(scheme, "memory", "resident_bytes", resident, null);
        add(scheme, "perplexity", "perplexity", ppl, ppl * 0.01);
        if (kldMean != null) {
            add(scheme, "kld", "kld_mean", kldMean, null);
            add(scheme, "kld", "kld_p99", kldP99, null);
        }
        add(scheme, "task:arc_easy", "acc", arcEasy, 0.02);
        add(scheme, "task:piqa", "acc", piqa, 0.015);
        add(scheme, "throughput", "prefill_tok_s@1", prefill, 5.0);
        add(scheme, "throughput", "decode_tok_s@1", decode, 1.0);
        add(scheme, "throughput", "decode_tok_s@4", decode4, 3.0);
    }

    private void add(String scheme, String step, String metric, double value, Double stderr) {
        rows.add(new ResultRow("m".repeat(64), "/models/smollm2", scheme, null, step, metric, value, stderr,
                step + " " + metric + " as measured", "", 100, null, null, 1.0, "float", RUN, Instant.EPOCH));
    }

    List<ResultRow> rows() {
        return rows;
    }

    /** Only the rows whose step is one of {@code steps}. */
    SampleResults only(String... steps) {
        SampleResults s = new SampleResults();
        List<String> keep = List.of(steps);
        rows.stream().filter(r -> keep.contains(r.step())).forEach(s.rows::add);
        return s;
    }

    /** Only the base's rows and those of {@code schemes}. */
    SampleResults onlySchemes(String... schemes) {
        SampleResults s = new SampleResults();
        List<String> keep = List.of(schemes);
        rows.stream().filter(r -> r.scheme().equals("base") || keep.contains(r.scheme())).forEach(s.rows::add);
        return s;
    }

    RunResults run() {
        return new RunResults(RUN, "seed study", "base = Q4_1 dequantized", List.of("base"), rows, failures);
    }

    ComparisonTable table() {
        return ComparisonTable.of(run());
    }
}
