package org.quantbench.workbench.run;

import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.W8A8IntScheme;
import org.quantbench.workbench.results.ResultRow;
import org.quantbench.workbench.results.RunRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-row (base and each scheme) progress of a run, with a time left per row and for the whole run. Steps differ in
 * cost by orders of magnitude (a memory step on a cached model takes a second, a task minutes), so the estimate works
 * per step name: a step not yet run is expected to take what the same step took on the rows measured so far, and the
 * running step what its own progress says. A scheme's memory step is its quantization, whose cost depends on the
 * method (RTN a second, GPTQ a minute or two, AQLM half an hour): it is expected to take what the same method took,
 * else what the calibration methods measured so far took, else what any memory step took. Steps found stored cost
 * nothing. Until a step name has been measured once, rows that still need it have no estimate. Listener calls come
 * from the run's thread; {@link #snapshot()} may be called from any thread.
 */
public final class RowProgress implements RunListener {

    /**
     * One row as a progress table shows it.
     *
     * @param current  the running step ("" when none), with its progress {@code fraction} in [0, 1]
     * @param seconds  time spent measuring this row's steps so far
     * @param eta      time left for the row; null when it cannot be estimated yet, zero when the row is finished
     */
    public record Row(String row, int done, int total, int failed, String current, double fraction, double seconds,
                      Duration eta) {
        public boolean finished() {
            return done == total;
        }
    }

    /** The pooled estimate of calibrated quantizations, for a method not measured yet. */
    private static final String CALIBRATED = "memory (calibrated)";

    private static final class State {
        /** Cost keys of the row's steps, in order (see {@link #costKey}). */
        final List<String> steps = new ArrayList<>();
        int done;
        int failed;
        String current = "";
        String currentKey = "";
        double fraction;
        double seconds;
        long currentStart;
        Duration currentEta;
    }

    private final LongSupplier nanoTime;
    private final Map<String, State> rows = new LinkedHashMap<>();
    /** Measured seconds per step name, over the rows that ran it. */
    private final Map<String, double[]> stepTimes = new HashMap<>();

    public RowProgress(RunPlan plan) {
        this(plan, System::nanoTime);
    }

    RowProgress(RunPlan plan, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        for (PlannedStep s : plan.steps()) {
            rows.computeIfAbsent(s.scheme(), k -> new State()).steps.add(costKey(s));
        }
    }

    /** A new execution (a retry) starts every row afresh; step times measured before stay as estimates. */
    @Override
    public synchronized void runStarted(RunRecord run, RunPlan plan, boolean resumed) {
        for (State s : rows.values()) {
            s.done = 0;
            s.failed = 0;
            s.current = "";
            s.fraction = 0;
            s.seconds = 0;
            s.currentEta = null;
        }
    }

    @Override
    public synchronized void stepStarted(PlannedStep step, int index, int total) {
        State s = rows.get(step.scheme());
        s.current = step.step();
        s.currentKey = costKey(step);
        s.fraction = 0;
        s.currentEta = null;
        s.currentStart = nanoTime.getAsLong();
    }

    @Override
    public synchronized void stepProgress(PlannedStep step, double fraction, Duration eta, String line) {
        State s = rows.get(step.scheme());
        s.fraction = fraction;
        s.currentEta = eta;
    }

    @Override
    public synchronized void stepSkipped(PlannedStep step, List<ResultRow> stored) {
        end(step, false, false);
    }

    @Override
    public synchronized void stepFinished(PlannedStep step, List<ResultRow> rows) {
        end(step, true, false);
    }

    @Override
    public synchronized void stepFailed(PlannedStep step, String reason) {
        end(step, false, true);
    }

    private void end(PlannedStep step, boolean measured, boolean failed) {
        State s = rows.get(step.scheme());
        if (s.current.equals(step.step())) {
            double took = (nanoTime.getAsLong() - s.currentStart) / 1e9;
            s.seconds += took;
            if (measured) {
                String key = costKey(step);
                record(key, took);
                if (!key.equals(step.step())) {
                    record(CALIBRATED, took);
                }
            }
        }
        s.done++;
        if (failed) {
            s.failed++;
        }
        s.current = "";
        s.fraction = 0;
        s.currentEta = null;
    }

    /** The rows in plan order. */
    public synchronized List<Row> snapshot() {
        List<Row> out = new ArrayList<>(rows.size());
        for (Map.Entry<String, State> e : rows.entrySet()) {
            State s = e.getValue();
            out.add(new Row(e.getKey(), s.done, s.steps.size(), s.failed, s.current, s.fraction, s.seconds + running(s),
                    eta(s)));
        }
        return out;
    }

    /** Time left for the whole run: the sum over its rows; null while any unfinished row has no estimate. */
    public synchronized Duration runEta() {
        Duration sum = Duration.ZERO;
        for (State s : rows.values()) {
            Duration d = eta(s);
            if (d == null) {
                return null;
            }
            sum = sum.plus(d);
        }
        return sum;
    }

    private double running(State s) {
        return s.current.isEmpty() ? 0 : (nanoTime.getAsLong() - s.currentStart) / 1e9;
    }

    private Duration eta(State s) {
        double left = 0;
        int next = s.done;
        if (!s.current.isEmpty()) {
            if (s.currentEta != null) {
                left += s.currentEta.toMillis() / 1e3;
            } else {
                Double typical = typical(s.currentKey);
                if (typical == null) {
                    return null;
                }
                left += Math.max(0, typical - running(s));
            }
            next++;
        }
        for (int i = next; i < s.steps.size(); i++) {
            Double typical = typical(s.steps.get(i));
            if (typical == null) {
                return null;
            }
            left += typical;
        }
        return Duration.ofMillis(Math.round(left * 1000));
    }

    private void record(String key, double seconds) {
        double[] t = stepTimes.computeIfAbsent(key, k -> new double[2]);
        t[0] += seconds;
        t[1]++;
    }

    private Double typical(String key) {
        double[] t = stepTimes.get(key);
        if (t == null && key.startsWith("memory ")) {
            t = stepTimes.get(CALIBRATED);
            if (t == null) {
                t = stepTimes.get("memory");
            }
        }
        return t == null ? null : t[0] / t[1];
    }

    /**
     * The step name, except for the memory step of a calibrated scheme: {@code memory GPTQ}, {@code memory AWQ},
     * {@code memory AutoRound}, {@code memory SmoothQuant}, or {@code memory AQLM-1x16} (each codebook shape costs
     * differently).
     */
    static String costKey(PlannedStep step) {
        if (step.kind() != StepKind.MEMORY || step.parsed() == null || !step.parsed().needsCalibration()) {
            return step.step();
        }
        return "memory " + switch (step.parsed()) {
            case IntWeightScheme i -> i.method().label();
            case W8A8IntScheme w -> "SmoothQuant";
            case Scheme other -> other.name();
        };
    }
}
