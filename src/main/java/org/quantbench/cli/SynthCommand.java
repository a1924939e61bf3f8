package org.quantbench.cli;

import org.quantbench.export.synth.SyntheticModelWriter;
import org.quantbench.export.synth.SyntheticShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "synth", description = {
        "Write a Llama-shape model with random BF16 weights as a HF folder, streamed to disk.",
        "For speed and memory measurements only, never for accuracy."})
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--shape", required = true, description = "1b, 8b or DIM,HIDDEN,LAYERS,HEADS,KV,VOCAB.")
    String shape;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Target folder (absent or empty).")
    Path out;

    @Option(names = "--seed", description = "Weight seed (default 1).")
    long seed = 1;

    @Option(names = "--tied", description = "Share the embedding with the classifier.")
    boolean tied;

    @Override
    public Integer call() throws Exception {
        SyntheticModelWriter writer = SyntheticModelWriter.of(SyntheticShape.parse(shape), seed).withTiedEmbeddings(tied);
        long total = writer.weightBytes();
        long[] lastPercent = {-1};
        long start = System.nanoTime();
        writer.write(out, written -> {
            long percent = total == 0 ? 100 : 100 * written / total;
            if (percent / 10 != lastPercent[0] / 10) {
                System.err.printf("  %d%% (%s of %s)%n", percent, Bytes.human(written), Bytes.human(total));
                lastPercent[0] = percent;
            }
        });
        System.out.printf("wrote %s: %,d parameters, %s of BF16 weights in %.1f s%n", out,
                writer.config().parameterCount(), Bytes.human(total), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
