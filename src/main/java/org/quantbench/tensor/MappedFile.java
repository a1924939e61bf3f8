package org.quantbench.tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A whole file mapped read-only through FFM; the mapping is shared by all threads and released on close. */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    public static MappedFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new FileFormatException(path, "file", "not a readable file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment segment = size == 0 ? MemorySegment.NULL.reinterpret(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(path, arena, segment);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot map " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() { return path; }

    public MemorySegment segment() { return segment; }

    public long size() { return segment.byteSize(); }

    /** A bounds-checked slice; the error names the file and the field that pointed outside it. */
    public MemorySegment slice(long offset, long length, String field) {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new FileFormatException(path, field, "bytes [" + offset + ", " + offset + "+" + length
                    + ") lie outside the file of " + size() + " bytes");
        }
        return segment.asSlice(offset, length);
    }

    public BoundedReader reader(long offset) {
        return new BoundedReader(path, segment, offset);
    }

    @Override
    public void close() {
        arena.close();
    }
}
