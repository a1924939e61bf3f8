package org.quantbench.cli;

import org.quantbench.engine.LinearFactory;
import org.quantbench.engine.LlamaModel;
import org.quantbench.engine.WideningLinearFactory;
import org.quantbench.eval.ThroughputBenchmark;
import org.quantbench.eval.ThroughputResult;
import org.quantbench.model.Checkpoint;
import org.quantbench.quant.ggml.GgmlLinearFactory;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.probe.MachineInfo;
import org.quantbench.tensor.probe.MachineProbe;
import org.quantbench.workbench.measure.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", description = {
        "Prefill and decode tokens/s, next to the machine's FMA peak and memory bandwidth measured in the same run.",
        "Bandwidth is probed before and after each prompt size (it drifts on shared machines); decode is reported as",
        "a share of the bandwidth bound (bandwidth / bytes of weights read per token), prefill as a share of the FMA peak."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--prompt-tokens", split = ",", description = "Prompt lengths to prefill (default 128,512).")
    List<Integer> promptTokens = List.of(128, 512);

    @Option(names = "--gen-tokens", description = "Tokens decoded after each prompt (default 64).")
    int genTokens = 64;

    @Option(names = "--streams", split = ",", description = "Concurrent streams decoded together (default 1).")
    List<Integer> streams = List.of(1);

    @Option(names = "--repeats", description = "Timed runs per prompt length; the median is reported (default 5).")
    int repeats = 5;

    @Option(names = "--warmup", description = "Untimed runs first (default 1).")
    int warmup = 1;

    @Option(names = "--weights", description = "stored (as in the file), f32 or bf16 (re-stored in memory).")
    String weights = "stored";

    @Option(names = "--seed", description = "Seed of the random prompt ids (default 1).")
    long seed = 1;

    @Override
    public Integer call() {
        try (Checkpoint ckpt = options.open(); ComputePool pool = options.pool(); Arena arena = Arena.ofShared();
             MachineProbe probe = new MachineProbe()) {
            if (options.scheme != null && !weights.equals("stored")) {
                throw new IllegalArgumentException("--weights and --scheme exclude each other");
            }
            LinearFactory factory = switch (weights) {
                case "stored" -> new GgmlLinearFactory();
                case "f32" -> new WideningLinearFactory(DType.F32, arena);
                case "bf16" -> new WideningLinearFactory(DType.BF16, arena);
                default -> throw new IllegalArgumentException("--weights must be stored, f32 or bf16, not " + weights);
            };
            LoadedModel loaded = options.scheme != null ? options.load(ckpt)
                    : new LoadedModel(LlamaModel.load(ckpt, options.arithmetic.linears(factory), options.arithmetic.numerics()),
                            null, options.arithmetic);
            LlamaModel model = loaded.model();
            MachineInfo machine = MachineInfo.current();
            System.out.printf("machine: %s, %d cores, %s, %s, %s%n", machine.cpuModel(), machine.cores(),
                    machine.vectors(), machine.jdk(), machine.os());
            System.out.printf("model: %s (%s), weights %s (%s), %.1f MB read per decoded token, %.4f GFLOP per token in linears%n",
                    ckpt.source(), ckpt.format(), loaded.label(), model.layer(0).wq().format(), model.bytesReadPerToken() / 1e6,
                    model.linearFlopsPerToken() / 1e9);
            System.out.println(loaded.arithmeticLine());
            double peak = probe.fmaPeakGflops(pool.threads());
            System.out.printf("fma peak: %.1f GFLOP/s on %d threads%n", peak, pool.threads());
            ThroughputBenchmark bench = new ThroughputBenchmark(model, pool);
            for (int prompt : promptTokens) {
                for (int n : streams) {
                    measure(bench, probe, model, peak, prompt, n, pool.threads());
                }
            }
            System.out.printf("(%d threads, median of %d runs after %d warm-up, seed %d)%n", pool.threads(), repeats, warmup, seed);
            System.out.println(loaded.memory(ckpt));
            loaded.close();
        }
        return 0;
    }

    /** One (prompt, streams) point, with the bandwidth probed right before and after it. */
    private void measure(ThroughputBenchmark bench, MachineProbe probe, LlamaModel model, double peak, int prompt, int n,
                         int threads) {
        double before = probe.memoryBandwidthGBs(threads);
        ThroughputResult r = bench.run(prompt, genTokens, n, warmup, repeats, seed);
        double after = probe.memoryBandwidthGBs(threads);
        double bandwidth = (before + after) / 2;
        // A batched step reads the weights once for all n streams.
        double bound = n * bandwidth * 1e9 / model.bytesReadPerToken();
        double prefillGflops = r.prefillMedian() * model.linearFlopsPerToken() / 1e9;
        System.out.printf("prompt %d, %d stream%s: prefill %.1f tok/s (min %.1f, max %.1f) = %.1f GFLOP/s = %.0f%% of FMA peak%n",
                prompt, n, n == 1 ? "" : "s", r.prefillMedian(), r.prefillMin(), r.prefillMax(), prefillGflops,
                100 * prefillGflops / peak);
        System.out.printf("  decode %d: %.2f tok/s (min %.2f, max %.2f); bandwidth %.1f GB/s (before %.1f, after %.1f) "
                        + "-> bound %.2f tok/s; %.0f%% of bound%n",
                genTokens, r.decodeMedian(), r.decodeMin(), r.decodeMax(), bandwidth, before, after, bound,
                100 * r.decodeMedian() / bound);
    }
}
