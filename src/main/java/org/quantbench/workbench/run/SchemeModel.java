package org.quantbench.workbench.run;

import org.quantbench.quant.ModelQuantizer;
import org.quantbench.quant.Scheme;
import org.quantbench.quant.calib.CalibrationData;
import org.quantbench.workbench.measure.LoadedModel;

/**
 * The model of one row (base or scheme), loaded (and quantized, or read from the cache) when a step first needs it,
 * and released when the row is done. The first step that loads it owns the load's time and peak memory.
 */
final class SchemeModel implements AutoCloseable {
    private final RunContext run;
    private final Scheme scheme;
    private LoadedModel loaded;
    private double loadSeconds;

    SchemeModel(RunContext run, Scheme scheme) {
        this.run = run;
        this.scheme = scheme;
    }

    Scheme scheme() { return scheme; }

    boolean isLoaded() { return loaded != null; }

    /** Wall time of the load (quantization included when it was not cached). */
    double loadSeconds() { return loadSeconds; }

    LoadedModel get(Measurement.StepProgress progress) {
        if (loaded == null) {
            long t0 = System.nanoTime();
            CalibrationData calibration = scheme != null && scheme.needsCalibration() ? run.calibration(w -> progress.update(0, w)) : null;
            loaded = run.loading.load(run.checkpoint, scheme, run.config.quantizeLmHead(), calibration, run.pool,
                    new ModelQuantizer.Progress() {
                        private double fraction;

                        @Override
                        public void linearDone(int done, int total, String name) {
                            fraction = (double) done / total;
                            progress.update(fraction, "quantized " + done + "/" + total + " linears (" + name + ")");
                        }

                        @Override
                        public void message(String line) {
                            progress.update(fraction, line);
                        }
                    });
            loadSeconds = (System.nanoTime() - t0) / 1e9;
        }
        return loaded;
    }

    @Override
    public void close() {
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
    }
}
