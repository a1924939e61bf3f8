package org.quantbench.eval.results;

import org.quantbench.eval.kld.KldResult;
import org.quantbench.eval.tasks.Metric;
import org.quantbench.eval.tasks.TaskResult;
import org.quantbench.tensor.SoftwareVersion;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link EvalRecord}s from results, hashing each data file once. */
public final class EvalRecords {
    private final ModelIdentity model;
    private final RunSettings settings;
    private final Map<Path, DataFile> hashed = new HashMap<>();

    public EvalRecords(ModelIdentity model, RunSettings settings) {
        this.model = model;
        this.settings = settings;
    }

    /** One record per metric of a complete task; one incomplete record (metric {@code acc}) otherwise. */
    public List<EvalRecord> of(TaskResult r) {
        List<DataFile> data = data(r.dataFiles());
        String now = Instant.now().toString();
        List<EvalRecord> out = new ArrayList<>();
        if (!r.complete()) {
            out.add(new EvalRecord(model, r.task(), "acc", null, null, r.definition(), data, r.items().size(),
                    r.itemsInFile(), settings, r.seconds(), false, r.error(), SoftwareVersion.VERSION, now));
            return out;
        }
        for (Metric m : r.metrics()) {
            out.add(new EvalRecord(model, r.task(), m.name(), m.value(), finite(m.stderr()), r.definition(), data,
                    r.items().size(), r.itemsInFile(), settings, r.seconds(), true, null, SoftwareVersion.VERSION, now));
        }
        return out;
    }

    /** The KLD statistics, one record each, over the scored tokens of {@code text}. */
    public List<EvalRecord> of(KldResult r, Path text, double seconds) {
        List<DataFile> data = data(List.of(text));
        String now = Instant.now().toString();
        List<EvalRecord> out = new ArrayList<>();
        Object[][] metrics = {
                {"kld_mean", r.meanKld(), finite(r.kldStderr())}, {"kld_median", r.medianKld(), null},
                {"kld_p99", r.p99Kld(), null}, {"kld_max", r.maxKld(), null},
                {"top1_agreement_pct", r.top1Agreement(), null}, {"ln_ppl_ratio", r.lnPplRatio(), null},
                {"ppl_base", r.pplBase(), null}, {"ppl_model", r.pplModel(), null}};
        for (Object[] m : metrics) {
            out.add(new EvalRecord(model, "kld", (String) m[0], (Double) m[1], (Double) m[2], r.definition(), data,
                    r.tokens(), r.tokens(), settings, seconds, true, null, SoftwareVersion.VERSION, now));
        }
        return out;
    }

    private List<DataFile> data(List<Path> files) {
        List<DataFile> out = new ArrayList<>(files.size());
        for (Path f : files) {
            out.add(hashed.computeIfAbsent(f.toAbsolutePath().normalize(), DataFile::of));
        }
        return out;
    }

    private static Double finite(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? null : d;
    }
}
