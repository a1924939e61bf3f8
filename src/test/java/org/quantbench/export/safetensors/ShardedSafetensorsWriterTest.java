package org.quantbench.export.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.hf.HfShardIndex;
import org.quantbench.model.safetensors.SafetensorsDType;
import org.quantbench.model.safetensors.SafetensorsFile;
import org.quantbench.model.safetensors.SafetensorsTensorInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ShardedSafetensorsWriterTest {
    @TempDir
    Path dir;

    private static SafetensorsEntry entry(String name, int floats) {
        float[] values = new float[floats];
        Arrays.fill(values, name.length());
        return SafetensorsEntry.vector(name, SafetensorsDType.F32, floats, TensorContent.ofFloats(values));
    }

    @Test
    void splitsAtTheByteLimitAndWritesTheIndex() throws IOException {
        List<SafetensorsEntry> entries = List.of(entry("e", 100), entry("d", 100), entry("c", 100), entry("bb", 150), entry("a", 100));
        Files.writeString(dir.resolve("model.safetensors"), "stale");
        List<Path> written = ShardedSafetensorsWriter.write(dir, entries, Map.of("format", "pt"), 1000);

        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly(
                "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors", "model.safetensors.index.json");
        assertThat(dir.resolve("model.safetensors")).doesNotExist();
        HfShardIndex index = HfShardIndex.read(dir.resolve("model.safetensors.index.json"));
        assertThat(index.weightMap()).containsExactly(
                Map.entry("a", "model-00003-of-00003.safetensors"),
                Map.entry("bb", "model-00002-of-00003.safetensors"),
                Map.entry("c", "model-00002-of-00003.safetensors"),
                Map.entry("d", "model-00001-of-00003.safetensors"),
                Map.entry("e", "model-00001-of-00003.safetensors"));
        assertThat(Files.readString(dir.resolve("model.safetensors.index.json"))).contains("\"total_size\" : 2200");

        List<String> names = new ArrayList<>();
        for (Path shard : written.subList(0, 3)) {
            try (SafetensorsFile st = SafetensorsFile.open(shard)) {
                assertThat(st.metadata()).containsEntry("format", "pt");
                for (SafetensorsTensorInfo info : st.tensorInfos()) {
                    names.add(info.name());
                    assertThat(st.tensor(info.name()).toFloatArray()).containsOnly((float) info.name().length());
                }
            }
        }
        assertThat(names).containsExactly("e", "d", "c", "bb", "a");
    }

    @Test
    void aTensorOverTheLimitGetsItsOwnShard() {
        var shards = ShardedSafetensorsWriter.split(List.of(entry("a", 10), entry("huge", 1000), entry("b", 10)), 100);
        assertThat(shards).extracting(List::size).containsExactly(1, 1, 1);
        assertThat(ShardedSafetensorsWriter.split(List.of(), 100)).hasSize(1);
    }

    @Test
    void writesOneFileUnderTheLimitAndDropsAStaleIndex() throws IOException {
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{}");
        List<Path> written = ShardedSafetensorsWriter.write(dir, List.of(entry("a", 4), entry("b", 4)), Map.of(), 1 << 20);
        assertThat(written).containsExactly(dir.resolve("model.safetensors"));
        assertThat(dir.resolve("model.safetensors.index.json")).doesNotExist();
        try (SafetensorsFile st = SafetensorsFile.open(written.getFirst())) {
            assertThat(st.tensorInfos()).hasSize(2);
        }
    }
}
