package org.quantbench.quant.calib;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the pipeline keeps captured activations: on the heap while the batch's bytes stay under a budget, else in
 * temporary files (memory-mapped, deleted on close) in a spill folder, so an 8B model's wide FFN activations do
 * not have to fit in the heap or the resident set. Buffers are written one sample at a time, read from any thread,
 * and closed (file unmapped and deleted) as soon as the pipeline no longer needs them.
 */
final class ActivationStore {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final boolean spill;
    private final Path spillDir;

    /**
     * @param bytesPerLayer bytes of every buffer a layer keeps at once
     * @param budget        heap bytes allowed for them; above, buffers go to files in {@code spillDir}
     */
    ActivationStore(long bytesPerLayer, long budget, Path spillDir) {
        this.spill = bytesPerLayer > budget;
        this.spillDir = spillDir;
    }

    boolean spills() { return spill; }

    Buffer create(int samples, int tokens, int width) {
        long floats = (long) samples * tokens * width;
        if (!spill) {
            return new HeapBuffer(samples, tokens, width);
        }
        try {
            Files.createDirectories(spillDir);
            Path file = Files.createTempFile(spillDir, "quantbench-activations", ".f32");
            Arena arena = Arena.ofShared();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment segment = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4 * floats, arena);
                return new FileBuffer(samples, tokens, width, segment, arena, file);
            } catch (IOException | RuntimeException e) {
                arena.close();
                Files.deleteIfExists(file);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spill activations to " + spillDir + ": " + e.getMessage(), e);
        }
    }

    /** Activations being filled sample by sample. */
    abstract static sealed class Buffer implements Activations, AutoCloseable permits HeapBuffer, FileBuffer {
        final int samples;
        final int tokens;
        final int width;

        Buffer(int samples, int tokens, int width) {
            this.samples = samples;
            this.tokens = tokens;
            this.width = width;
        }

        @Override public int samples() { return samples; }

        @Override public int tokens() { return tokens; }

        @Override public int width() { return width; }

        abstract void write(int sample, float[] src, int srcOff);

        @Override
        public abstract void close();
    }

    private static final class HeapBuffer extends Buffer {
        private final float[][] data;

        HeapBuffer(int samples, int tokens, int width) {
            super(samples, tokens, width);
            this.data = new float[samples][Math.multiplyExact(tokens, width)];
        }

        @Override
        public void read(int sample, float[] dst, int dstOff) {
            System.arraycopy(data[sample], 0, dst, dstOff, data[sample].length);
        }

        @Override
        void write(int sample, float[] src, int srcOff) {
            System.arraycopy(src, srcOff, data[sample], 0, data[sample].length);
        }

        @Override
        public void close() {}
    }

    private static final class FileBuffer extends Buffer {
        private final MemorySegment segment;
        private final Arena arena;
        private final Path file;
        private final int perSample;

        FileBuffer(int samples, int tokens, int width, MemorySegment segment, Arena arena, Path file) {
            super(samples, tokens, width);
            this.segment = segment;
            this.arena = arena;
            this.file = file;
            this.perSample = Math.multiplyExact(tokens, width);
        }

        // Each access ends by unloading the sample's pages: the file's pages stay in the page cache, but no longer
        // count in the process's resident set, which would otherwise grow by the whole spilled layer (2 GB at 8B).
        @Override
        public void read(int sample, float[] dst, int dstOff) {
            MemorySegment.copy(segment, F32, 4L * sample * perSample, dst, dstOff, perSample);
            slice(sample).unload();
        }

        @Override
        void write(int sample, float[] src, int srcOff) {
            MemorySegment.copy(src, srcOff, segment, F32, 4L * sample * perSample, perSample);
            slice(sample).unload();
        }

        private MemorySegment slice(int sample) {
            return segment.asSlice(4L * sample * perSample, 4L * perSample);
        }

        @Override
        public void close() {
            arena.close();
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the spilled activations " + file, e);
            }
        }
    }
}
