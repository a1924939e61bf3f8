package org.quantbench.workbench.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** Prefill and decode tokens/s (see {@code eval.ThroughputBenchmark}), for each stream count. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ThroughputSettings(Integer promptTokens, Integer genTokens, List<Integer> streams, Integer repeats,
                                 Integer warmup) {
    public ThroughputSettings {
        promptTokens = Positive.orDefault("promptTokens", promptTokens, 128);
        genTokens = Positive.orDefault("genTokens", genTokens, 32);
        streams = streams == null || streams.isEmpty() ? List.of(1) : List.copyOf(streams);
        for (int i = 0; i < streams.size(); i++) {
            if (streams.get(i) == null || streams.get(i) < 1) {
                throw new ConfigFieldException("streams[" + i + "]", "must be at least 1, got " + streams.get(i));
            }
        }
        repeats = Positive.orDefault("repeats", repeats, 3);
        warmup = Positive.limit("warmup", warmup == null ? 1 : warmup);
    }
}
