package org.quantbench.cli;

import org.quantbench.model.Checkpoint;
import org.quantbench.model.ModelConfig;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.WeightTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "info", description = "Print architecture, shapes, dtypes, parameter count and bytes of a model.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Override
    public Integer call() {
        try (Checkpoint ckpt = options.open()) {
            ModelConfig c = ckpt.config();
            System.out.printf("model:        %s (%s)%n", ckpt.source(), ckpt.format());
            System.out.printf("architecture: %s%n", c.architecture());
            System.out.printf("shape:        dim %d, hidden %d, layers %d, heads %d, kv heads %d, head dim %d%n",
                    c.dim(), c.hiddenDim(), c.nLayers(), c.nHeads(), c.nKvHeads(), c.headDim());
            System.out.printf("vocab:        %d, context %d, rope theta %.0f (%s%s), rms eps %.1e%n", c.vocabSize(),
                    c.maxSeqLen(), c.ropeTheta(), c.ropeLayout().name().toLowerCase(),
                    c.ropeScaling().isNone() ? "" : ", " + c.ropeScaling().type() + " scaling x" + c.ropeScaling().factor(),
                    c.normEps());
            System.out.printf("embeddings:   %s%s%n", c.tiedEmbeddings() ? "tied" : "separate classifier",
                    c.qkvBias() ? ", q/k/v biases" : "");
            Map<DType, long[]> byType = new EnumMap<>(DType.class);
            long params = 0;
            long bytes = 0;
            for (WeightTensor t : ckpt.tensors()) {
                long[] acc = byType.computeIfAbsent(t.dtype(), d -> new long[3]);
                acc[0]++;
                acc[1] += t.elements();
                acc[2] += t.data().byteSize();
                params += t.elements();
                bytes += t.data().byteSize();
            }
            System.out.printf("parameters:   %,d (%s)%n", params, Bytes.human(bytes) + " of tensor data");
            byType.forEach((type, acc) -> System.out.printf("  %-6s %5d tensors %,15d params %12s  %.2f bits/weight%n",
                    type, acc[0], acc[1], Bytes.human(acc[2]), 8.0 * acc[2] / acc[1]));
            System.out.printf("file bytes:   %,d (%s)%n", ckpt.fileBytes(), Bytes.human(ckpt.fileBytes()));
            System.out.printf("tokenizer:    %s%n", ckpt.tokenizer().map(t -> t.vocabSize() + " tokens").orElse("none"));
        }
        return 0;
    }
}
