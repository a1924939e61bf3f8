package org.quantbench.cli;

import org.quantbench.quant.calib.HessianAccumulator;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.probe.MachineProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "bench-hessian", description = {
        "GPTQ's Hessian accumulation (X^T X over calibration tokens, the lower triangle) timed at the widths of real",
        "linears, against the FP32 FMA peak measured around each width in the same run."})
final class BenchHessianCommand implements Callable<Integer> {
    @Option(names = "--cols", split = ",", paramLabel = "N",
            description = "Input widths (default 576,1536,4096,14336: SmolLM2's and an 8B model's).")
    List<Integer> cols = List.of(576, 1536, 4096, 14336);

    @Option(names = "--tokens", paramLabel = "N", description = "Calibration tokens per add (one 512-token sample: 512).")
    int tokens = 512;

    @Option(names = "--repeats", description = "Timed adds per width after the warm-up; the median is reported (default 3).")
    int repeats = 3;

    @Option(names = "--warm-up", paramLabel = "SECONDS", description = "Untimed adds per width, for at least this long"
            + " and at least one add (default 2): a few milliseconds of adds would time the JIT's early code, not the kernel.")
    double warmUpSeconds = 2;

    @Option(names = "--threads", description = "Compute threads (default 2).")
    int threads = 2;

    @Override
    public Integer call() {
        if (tokens < 1 || repeats < 1 || threads < 1 || cols.stream().anyMatch(c -> c < 1 || c > 65536)
                || !(warmUpSeconds >= 0 && warmUpSeconds <= 600)) {
            throw new IllegalArgumentException("need tokens, repeats, threads >= 1, widths 1..65536 and a warm-up of 0..600 s");
        }
        MachineProbe probe = new MachineProbe(MachineProbe.DEFAULT_FMA_WINDOW, MachineProbe.DEFAULT_BUFFER_BYTES, 1);
        System.out.printf("Hessian accumulation, %d tokens per add, %d threads, median of %d after %.1f s of warm-up"
                + " adds; flops = width^2 x tokens (the lower triangle, 2 flops per multiply-add)%n", tokens, threads, repeats,
                warmUpSeconds);
        try (ComputePool pool = new ComputePool(threads)) {
            for (int width : cols) {
                float[] x = new float[Math.multiplyExact(tokens, width)];
                SplittableRandom random = new SplittableRandom(width);
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextDouble(-1, 1);
                }
                HessianAccumulator acc = new HessianAccumulator(width);
                double peakBefore = probe.fmaPeakGflops(threads);
                long warmUpEnd = System.nanoTime() + (long) (warmUpSeconds * 1e9);
                int warmUps = 0;
                do {
                    acc.add(x, tokens, pool);
                    warmUps++;
                } while (System.nanoTime() < warmUpEnd);
                double[] seconds = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    acc.add(x, tokens, pool);
                    seconds[r] = (System.nanoTime() - t0) / 1e9;
                }
                double peak = (peakBefore + probe.fmaPeakGflops(threads)) / 2;
                Arrays.sort(seconds);
                double median = seconds[repeats / 2];
                double gflops = (double) width * width * tokens / median / 1e9;
                System.out.printf("width %5d: %.2f ms per add (min %.2f, max %.2f; %d warm-up adds) = %.1f GFLOP/s;"
                                + " FMA peak %.1f GFLOP/s -> %.0f%% of peak%n", width, median * 1e3, seconds[0] * 1e3,
                        seconds[repeats - 1] * 1e3, warmUps, gflops, peak, 100 * gflops / peak);
            }
        }
        return 0;
    }
}
