package org.quantbench.model.safetensors;

import org.quantbench.tensor.DType;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.tensor.MappedFile;
import org.quantbench.tensor.WeightTensor;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One memory-mapped .safetensors file: an 8-byte little-endian header length N, N bytes of JSON naming each
 * tensor's dtype, shape and byte range, then the data section. Nothing of the data is copied to the heap; tensors
 * are slices of the mapping and become invalid when the file is closed.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Header cap: real headers are at most a few MiB; checked before the header is allocated. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private final MappedFile mapped;
    private final long dataStart;
    private final Map<String, SafetensorsTensorInfo> byName;
    private final List<SafetensorsTensorInfo> inFileOrder;
    private final Map<String, String> metadata;

    private SafetensorsFile(MappedFile mapped, long dataStart, SafetensorsHeader header) {
        this.mapped = mapped;
        this.dataStart = dataStart;
        this.metadata = header.metadata();
        this.byName = new LinkedHashMap<>();
        header.tensors().forEach(t -> byName.put(t.name(), t));
        this.inFileOrder = header.tensors().stream()
                .sorted(Comparator.comparingLong(SafetensorsTensorInfo::dataBegin))
                .toList();
    }

    public static SafetensorsFile open(Path path) {
        MappedFile mapped;
        try {
            mapped = MappedFile.open(path);
        } catch (UncheckedIOException e) {
            throw new FileFormatException(path, "file", "cannot be mapped: " + e.getCause().getMessage(), e);
        }
        try {
            long size = mapped.size();
            var reader = mapped.reader(0);
            long headerLength = reader.i64("header length");
            long limit = Math.min(size - 8, MAX_HEADER_BYTES);
            if (headerLength < 0 || headerLength > limit) {
                throw new FileFormatException(path, "header length", Long.toUnsignedString(headerLength)
                        + " exceeds " + limit + " (the file has " + size + " bytes; headers may have at most "
                        + MAX_HEADER_BYTES + ")");
            }
            byte[] json = reader.bytes(headerLength, "header");
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(path, json, size - dataStart);
            return new SafetensorsFile(mapped, dataStart, header);
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    public Path path() { return mapped.path(); }

    public long fileBytes() { return mapped.size(); }

    /** The header's {@code __metadata__} (empty when absent). */
    public Map<String, String> metadata() { return metadata; }

    /** Every header entry, ordered by position in the data section. */
    public List<SafetensorsTensorInfo> tensorInfos() { return inFileOrder; }

    public Optional<SafetensorsTensorInfo> info(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public boolean has(String name) { return byName.containsKey(name); }

    /** The stored bytes of a tensor of any dtype, as they lie in the file (little-endian). */
    public MemorySegment bytes(String name) {
        SafetensorsTensorInfo info = require(name);
        return mapped.slice(dataStart + info.dataBegin(), info.byteLength(), "tensor \"" + name + "\"");
    }

    /**
     * A tensor as a weight under its own name: 2-D shapes are [rows, cols], 1-D ones and scalars a single row.
     * Only F32, F16 and BF16 are weights; other dtypes and shapes of more than two dimensions are refused.
     */
    public WeightTensor tensor(String name) {
        return tensor(name, name);
    }

    /** As {@link #tensor(String)}, with the weight carrying {@code weightName} (a reader's canonical name). */
    public WeightTensor tensor(String name, String weightName) {
        SafetensorsTensorInfo info = require(name);
        DType dtype = info.dtype().weightType().orElseThrow(() -> new FileFormatException(path(), "tensor \"" + name + "\"",
                "has dtype " + info.dtype() + ", which cannot be read as a weight (supported: F32, F16, BF16)"));
        List<Long> shape = info.shape();
        long rows;
        long cols;
        switch (shape.size()) {
            case 0 -> { rows = 1; cols = 1; }
            case 1 -> { rows = 1; cols = shape.get(0); }
            case 2 -> { rows = shape.get(0); cols = shape.get(1); }
            default -> throw new FileFormatException(path(), "tensor \"" + name + "\"",
                    "has shape " + shape + "; a weight has at most two dimensions");
        }
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new FileFormatException(path(), "tensor \"" + name + "\"", "shape " + shape + " has a dimension of 2^31 or more");
        }
        return new WeightTensor(weightName, dtype, (int) rows, (int) cols, bytes(name));
    }

    private SafetensorsTensorInfo require(String name) {
        SafetensorsTensorInfo info = byName.get(name);
        if (info == null) {
            throw new FileFormatException(path(), "tensor \"" + name + "\"", "is not in the file");
        }
        return info;
    }

    @Override
    public void close() {
        mapped.close();
    }
}
