package org.quantbench.quant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.quantbench.export.synth.SyntheticModelWriter;
import org.quantbench.export.synth.SyntheticShape;
import org.quantbench.model.hf.HfFolderCheckpoint;
import org.quantbench.quant.calib.CalibrationData;
import org.quantbench.quant.calib.CalibrationPipeline;
import org.quantbench.quant.calib.RandomTokens;
import org.quantbench.tensor.ComputePool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A calibration run cut short continues where it saved its place and writes the same cache entry, byte for byte, as
 * a run that was never interrupted; a place that does not hold together is dropped and the run starts over.
 */
class ResumedCalibrationTest {
    private static final SyntheticShape SHAPE = SyntheticShape.parse("64,160,4,4,2,300");
    private static HfFolderCheckpoint ckpt;
    private static ComputePool pool;
    private static CalibrationData calibration;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void open() throws IOException {
        SyntheticModelWriter.of(SHAPE, 5).withTiedEmbeddings(false).write(tmp.resolve("model"));
        ckpt = HfFolderCheckpoint.open(tmp.resolve("model"));
        pool = new ComputePool(2);
        calibration = RandomTokens.calibration(tmp, SHAPE.vocab(), 6, 48, 3);
    }

    @AfterAll
    static void close() {
        if (ckpt != null) {
            ckpt.close();
            pool.close();
        }
    }

    /** Runs the pipeline into a resumable writer of {@code folder}, saving after every layer; cancels after {@code stopAfter}. */
    private static List<String> run(QuantizedModelStore store, Path folder, Scheme scheme, int stopAfter) {
        List<String> notes = new ArrayList<>();
        try (QuantizedModelStore.EntryWriter writer = store.resumableWriter(folder, notes::add)) {
            CalibrationPipeline.Resumption saving = ModelQuantizer.resumption(writer);
            CalibrationPipeline.Resumption everyLayer = new CalibrationPipeline.Resumption() {
                @Override public Path folder() { return saving.folder(); }

                @Override public com.fasterxml.jackson.databind.node.ObjectNode saved() { return saving.saved(); }

                @Override public void save(com.fasterxml.jackson.databind.node.ObjectNode place) { saving.save(place); }

                @Override public void discard() { saving.discard(); }

                @Override public double saveIntervalSeconds() { return 0; }
            };
            try {
                CalibrationPipeline.Result r = CalibrationPipeline.run(ckpt, calibration, SchemeCodecs.layerQuantizer(scheme),
                        CalibrationPipeline.Options.defaults(), pool, new CalibrationPipeline.Progress() {
                            @Override
                            public void layerDone(int layer, int layers, double loss, double seconds) {
                                if (layer == stopAfter) {
                                    throw new CancellationException("stopped after layer " + layer);
                                }
                            }

                            @Override
                            public void message(String line) {
                                if (!line.startsWith("layer ")) { // the algorithm's per-linear reports
                                    notes.add(line);
                                }
                            }
                        }, writer::add, everyLayer);
                writer.finish(scheme, r.norms(), JsonNodeFactory.instance.objectNode().put("resumed_at", r.resumedAt()));
            } catch (CancellationException e) {
                writer.keepForResume();
            }
        }
        return notes;
    }

    private static byte[] weights(Path folder) throws IOException {
        return Files.readAllBytes(folder.resolve(QuantizedModelStore.WEIGHTS));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"W4A16-GPTQ-g128-sym", "W4A16-AWQ-g128-asym"}) // AWQ replaces norms: they must come back too
    void aResumedRunWritesTheSameEntryAsAnUninterruptedOne(String name) throws IOException {
        Scheme scheme = SchemeNames.parse(name);
        QuantizedModelStore store = new QuantizedModelStore(tmp.resolve("cache-" + name));
        Path whole = store.root().resolve("whole");
        Path resumed = store.root().resolve("resumed");
        assertThat(run(store, whole, scheme, -1)).isEmpty();

        assertThat(run(store, resumed, scheme, 1)).isEmpty();
        assertThat(Files.exists(resumed)).isFalse();
        Path partial = store.root().resolve("resumed.partial");
        assertThat(names(partial)).contains("checkpoint.json", "inputs-2.f32", "linears.parts").doesNotContain("inputs-1.f32");

        List<String> notes = run(store, resumed, scheme, -1);
        assertThat(notes).singleElement().asString().startsWith("continuing at layer 3 of 4");
        assertThat(Files.exists(partial)).as("the unfinished folder is gone once the entry is written").isFalse();
        assertThat(names(resumed)).containsExactly(QuantizedModelStore.ENTRY, QuantizedModelStore.WEIGHTS);
        assertThat(weights(resumed)).as("packed linears and replaced norms").isEqualTo(weights(whole));
    }

    @Test
    void aPlaceThatDoesNotFitIsDroppedAndTheRunStartsOver() throws IOException {
        Scheme scheme = SchemeNames.parse("W4A16-GPTQ-g128-sym");
        QuantizedModelStore store = new QuantizedModelStore(tmp.resolve("cache-misfit"));
        Path whole = store.root().resolve("whole");
        run(store, whole, scheme, -1);
        Path entry = store.root().resolve("e");
        Path checkpoint = store.root().resolve("e.partial").resolve("checkpoint.json");

        run(store, entry, scheme, 2);
        Files.writeString(checkpoint, Files.readString(checkpoint).replace("\"next_layer\":3", "\"next_layer\":9"));
        assertThat(run(store, entry, scheme, -1)).singleElement().asString()
                .startsWith("starting at the first layer").contains("next layer 9 outside 1..3");
        assertThat(weights(entry)).isEqualTo(weights(whole));

        run(store, entry.resolveSibling("f"), scheme, 1);
        Path damaged = store.root().resolve("f.partial").resolve("checkpoint.json");
        Files.writeString(damaged, "{\"software\": \"0.1.0\", \"end\": 99999999, \"parts\": []}");
        assertThat(run(store, entry.resolveSibling("f"), scheme, -1)).singleElement().asString()
                .startsWith("starting f afresh").contains("records 0 bytes of parts");
        assertThat(weights(entry.resolveSibling("f"))).isEqualTo(weights(whole));

        run(store, entry.resolveSibling("g"), scheme, 1);
        Files.writeString(store.root().resolve("g.partial").resolve("checkpoint.json"), "not json");
        assertThat(run(store, entry.resolveSibling("g"), scheme, -1)).singleElement().asString().startsWith("starting g afresh");
        assertThat(weights(entry.resolveSibling("g"))).isEqualTo(weights(whole));
    }

    @Test
    void oneWriterAtATimeAndAFailureLeavesNothing() throws IOException {
        QuantizedModelStore store = new QuantizedModelStore(tmp.resolve("cache-lock"));
        Path folder = store.root().resolve("quantized").resolve("0123456789abcdef").resolve("entry");
        try (QuantizedModelStore.EntryWriter first = store.resumableWriter(folder, line -> { })) {
            assertThatThrownBy(() -> store.resumableWriter(folder, line -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("another quantization");
            CacheContents.Folder listed = CacheContents.list(store).getFirst();
            assertThat(listed.name()).isEqualTo("entry.partial");
            assertThat(listed.finished()).isFalse();
            assertThat(listed.resumable()).isTrue();
            assertThat(listed.inUse()).isTrue();
            assertThatThrownBy(() -> CacheContents.delete(listed)).hasMessageContaining("being written");
        }
        assertThat(names(folder.getParent())).as("closed unfinished and not kept: removed").isEmpty();
        try (QuantizedModelStore.EntryWriter again = store.resumableWriter(folder, line -> { })) {
            assertThat(again.savedPlace()).isNull();
        }
    }

    @Test
    void aCancelledQuantizationKeepsItsFolderAndTheNextOneFinishesIt() throws IOException {
        Scheme scheme = SchemeNames.parse("W4A16-GPTQ-g128-sym");
        QuantizedModelStore store = new QuantizedModelStore(tmp.resolve("cache-cancel"));
        List<String> lines = new ArrayList<>();
        ModelQuantizer.Progress stopAtLayer2 = new ModelQuantizer.Progress() {
            @Override
            public void linearDone(int done, int total, String name) {
                if (name.startsWith("blk.2.")) {
                    throw new CancellationException("stop");
                }
            }

            @Override
            public void message(String line) {
                lines.add(line);
            }
        };
        assertThatThrownBy(() -> ModelQuantizer.prepare(ckpt, "0".repeat(64), scheme, false, calibration, pool, store,
                stopAtLayer2)).isInstanceOf(CancellationException.class);
        assertThat(lines).last().asString().startsWith("cancelled; the next run").contains(".partial");
        Path folder = store.entry("0".repeat(64), scheme, false, calibration.cacheTag());
        assertThat(Files.isDirectory(folder.resolveSibling(folder.getFileName() + ".partial"))).isTrue();
        try (QuantizedModel q = ModelQuantizer.prepare(ckpt, "0".repeat(64), scheme, false, calibration, pool, store,
                (d, t, n) -> { })) {
            assertThat(q.fromCache()).isFalse();
        }
        assertThat(names(folder.getParent())).containsExactly(folder.getFileName().toString());
    }
}
